/** HA ペアのページの文言（日本語）。ja.ts に展開する（gateway-ja.ts と同じ）。 */
export const pairJa = {
  pair: {
    title: 'ペア',
    notConfigured:
      'このゲートウェイはペアを組んでいません。ゲートウェイのペアは keepalived でアドレスを、conntrackd で接続を共有します（docs/ha.md を参照）。',
    nodeUnknown: 'このパネルは自分がペアのどちらのノードで動いているかを知りません（GATEHOUSE_HA_NODE）。',
    thisNode: 'このノードは {{node}}、相手は {{peer}} です。',
    instances: '仮想アドレス（VRRP）',
    instance: 'セグメント',
    interface: 'インターフェース',
    address: '仮想アドレス',
    routerId: 'ルーター ID',
    state: 'このノード',
    segment: { wan: 'WAN', lan: 'LAN' },
    vrrp: { master: 'MASTER（保持中）', backup: 'BACKUP' },
    sync: '接続の同期（conntrackd）',
    syncDown: 'conntrackd が応答しません: {{error}}',
    stats: {
      internal: 'このノードの接続',
      external: '相手の接続（引き継ぎに備えて保持）',
      failed: '適用に失敗した相手の接続',
      linkErrors: '同期リンクのエラー',
      lost: '失われた同期メッセージ',
      malformed: '不正な同期メッセージ',
    },
    lastPrimary: '最後の引き継ぎ: {{at}}。',
    lastBulk: '最後の一括同期送信: {{at}}。',
    never: 'なし',
    unknown: '不明',
  },
};
