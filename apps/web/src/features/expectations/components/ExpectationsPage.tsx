import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { formatDuration, formatTuple } from '../../../lib/format';
import type { Api } from '../../../lib/types';
import { useNow } from '../../../lib/use-now';
import { expectationReceivedAt, useExpectations } from '../api/get-expectations';

function controlFlowLink(e: Api['ExpectationRow']): string {
  const q = new URLSearchParams();
  q.set('address', e.master.src);
  if (e.master.sport) q.set('port', String(e.master.sport));
  if (e.helper) q.set('helper', e.helper);
  return `/connections?${q}`;
}

export function ExpectationsPage() {
  const { t } = useTranslation();
  const expectations = useExpectations();
  const now = useNow(1000);
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('expectations.title')} />
      <QueryState query={expectations} isEmpty={(d) => d.items.length === 0} empty={t('expectations.empty')}>
        {(data) => (
          <div className="table-wrap">
            <table className="table table-dense">
              <caption className="visually-hidden">{t('expectations.tableLabel')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('expectations.expected')}</th>
                  <th scope="col">{t('expectations.master')}</th>
                  <th scope="col">{t('expectations.helper')}</th>
                  <th scope="col" className="num">
                    {t('expectations.timeLeft')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((e) => {
                  const at = expectationReceivedAt.get(e) ?? now;
                  const left = e.timeout === null ? null : e.timeout - (now - at) / 1000;
                  return (
                    <tr key={e.id} className={left !== null && left <= 0 ? 'row-disabled' : undefined}>
                      <th scope="row" className="mono">
                        {e.protocol} {formatTuple(e.expected)}
                      </th>
                      <td className="mono">
                        <Link to={controlFlowLink(e)} title={t('expectations.showControl')}>
                          {formatTuple(e.master)}
                        </Link>
                      </td>
                      <td className="mono">{e.helper ? <span className="tag tag-info">{e.helper}</span> : '—'}</td>
                      <td className="mono num">
                        {left === null ? '—' : left <= 0 ? t('expectations.expired') : formatDuration(left)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}
