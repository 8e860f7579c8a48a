/**
 * The Gateway page's strings (ja): gateway forwards, traffic settings and interface roles.
 * Spread into ja.ts like messages-ja.ts.
 */
export const gatewayJa = {
  gateway: {
    title: 'ゲートウェイ',
    intro:
      'ゲートウェイのその他の設定：ゲートウェイ自身へのフォワード、マスカレードの対象、フォワードフィルターが通すもの、各インターフェースの役割。変更は望ましい状態に保存され、適用ページで反映されます。',
    savedHint: '望ましい状態に保存しました。反映するには適用してください。',
    toApply: '確認して適用',
    field: {
      id: '識別子',
      idHelp: '英小文字・数字・ハイフン。ゲートウェイ上のルール名になります。',
      name: '名前',
      enabled: '有効',
      protocol: 'プロトコル',
      publicPort: '公開ポート',
      publicPortHelp: 'ゲートウェイの公開 (WAN) アドレス上のポート。例: 2222',
      localPort: 'ゲートウェイ上のポート',
      localPortHelp: 'ゲートウェイ自身でサービスが待ち受けるポート。例: ssh なら 22',
      allowedSources: '許可する送信元',
      comment: 'コメント',
    },
    forwards: {
      title: 'ゲートウェイフォワード',
      intro:
        '公開ポートをゲートウェイ自身のサービスへ転送します。外部からゲートウェイに戻るための入口です（例: 公開 2222 → ssh 22）。',
      add: 'ゲートウェイフォワードを追加',
      newTitle: '新しいゲートウェイフォワード',
      editTitle: 'ゲートウェイフォワード「{{name}}」を編集',
      empty: 'ゲートウェイフォワードはありません。ゲートウェイ自身のサービスは公開ポートから到達できません。',
      tableLabel: 'ゲートウェイフォワード',
      toggle: 'ゲートウェイフォワード {{name}} を有効にする',
      editLabel: 'ゲートウェイフォワード {{name}} を編集',
      deleteLabel: 'ゲートウェイフォワード {{name}} を削除',
      deleteConfirm: 'ゲートウェイフォワード「{{name}}」を削除しますか？次の適用で反映されます。',
    },
    traffic: {
      title: 'マスカレードとフォワードフィルター',
      masquerade: 'マスカレード（送信元 NAT）',
      forwardedServers: '転送先サーバーからはゲートウェイが接続相手に見える',
      forwardedServersHelp:
        'ポートフォワード経由の接続は、ゲートウェイの LAN アドレスからサーバーに届きます。サーバーに公開側への経路がない（デフォルトルートがこのゲートウェイでない）場合に必要です。その代わり、サーバーには本当のクライアントアドレスが見えなくなります。',
      lanToWan: 'LAN の通信はゲートウェイの公開アドレスで外へ出る',
      lanToWanHelp:
        'LAN 上のマシンはゲートウェイの WAN アドレスの背後でインターネットに接続します。LAN がこのゲートウェイにルーティングされたグローバルアドレスを使う場合にだけオフにしてください。',
      filter: 'フォワードフィルター',
      policy: 'ゲートウェイが転送する通信',
      policy_accept: 'すべて転送する',
      policy_acceptHelp: '転送する通信をフィルターしません（FTP のパッシブ限定を除く）。',
      policy_drop: '許可したものだけ転送する',
      policy_dropHelp:
        '応答と関連通信、ポートフォワードされた接続、（下で許可すれば）LAN から WAN への通信だけを通し、それ以外は破棄します。',
      allowLanToWan: 'LAN から WAN を許可',
      allowLanToWanHelp:
        '「許可したものだけ転送する」のとき、LAN 上のマシンがインターネットへ接続できます。すべて転送する設定では効果はありません。',
      save: 'マスカレードとフィルターを保存',
    },
    roles: {
      title: 'インターフェースの役割',
      intro:
        'WAN インターフェースは公開側、LAN インターフェースはプライベートなサーバー側を向きます。ゲートウェイで稼働中のインターフェースから選ぶか、まだ起動していないインターフェースの名前を入力してください。',
      tableLabel: 'インターフェースと役割',
      none: 'インターフェースが報告されていません。',
      interface: 'インターフェース',
      state: '状態',
      addresses: 'アドレス',
      role: '役割',
      roleOf: '{{name}} の役割',
      role_wan: 'WAN（公開側）',
      role_lan: 'LAN（プライベート側）',
      role_none: '使わない',
      notPresent: '存在しません',
      typed: '未起動のインターフェース',
      typedRole: 'その役割',
      connectedVia: '{{name}}（{{address}}）経由で接続しています。',
      warningTitle: '接続中の {{name}} の役割が {{from}} から {{to}} に変わります。',
      warningBody:
        '適用後、ゲートウェイは {{address}} へのあなたの接続を新しい役割で扱うため、パネルに接続できなくなるおそれがあります。適用時にこの点が検査され、ブラウザーが新しい接続で確認しない限りロールバックされます。',
      save: 'インターフェースの役割を保存',
      reset: '変更を取り消す',
    },
  },
};
