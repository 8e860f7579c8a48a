/** サーバーとモデルのメッセージ（コード別）。形は messages-en.ts と同じ。 */
import type { messagesEn } from './messages-en';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const messagesJa: Widen<typeof messagesEn> = {
  problem: {
    invalid: 'この値は正しくありません。',
    required: '入力してください。',
    invalid_type: '{{expected}} 型の値を指定してください。',
    too_long: '{{maximum}} 文字以内で入力してください。',
    too_short: '{{minimum}} 文字以上で入力してください。',
    too_many: '{{maximum}} 件までです。',
    too_few: '少なくとも {{minimum}} 件必要です。',
    too_big: '{{maximum}} 以下にしてください。',
    too_small: '{{minimum}} 以上にしてください。',
    invalid_ipv4: '192.168.1.2 のような IPv4 アドレスを入力してください。',
    invalid_cidr: '203.0.113.0/24 のような IPv4 プレフィックスを入力してください。',
    invalid_format: '形式が正しくありません。',
    invalid_value: '次のいずれかを選んでください: {{values}}',
    unrecognized_keys: '不明な項目があります: {{keys}}',
    invalid_cursor: '一覧の位置が無効になりました。一覧を再読み込みしてください。',
    lockout: 'この変更を行うと、パネルに接続している現在の接続が切断されます。',
    adopt: {
      rule: 'モデルで表せないルール（チェーン {{chain}}）: {{rule}}',
      element: 'モデルで表せないマップ要素（{{map}}）: {{element}}',
      object: '{{kind}} {{name}} はモデルが宣言するものではありません。',
      missing: 'モデルはライブテーブルにないものを追加します: {{what}}',
      invalid: 'テーブルから読み取ったモデルは無効です: {{path}}: {{message}}',
    },
    ports: {
      format: 'ポート（80）、範囲（8000-8100）、またはそれらのカンマ区切りで指定してください。',
      out_of_range: 'ポート {{port}} は 1〜65535 の範囲外です。',
      backwards: '範囲 {{from}}-{{to}} の順序が逆です。',
      overlap_in_list: '{{a}} と {{b}} がリスト内で重複しています。',
    },
    sources: {
      same: '{{prefix}} は先に指定した {{other}} と同じ送信元です。送信元は一度だけ指定してください。',
      within: '{{prefix}} は先に指定した {{other}} に含まれます。送信元は一度だけ指定してください。',
      covers: '{{prefix}} は先に指定した {{other}} を含みます。送信元は一度だけ指定してください。',
      map_budget:
        'このフォワードには送信元制限マップの要素が {{elements, number}} 個必要です（上限 {{max, number}} 個）。送信元やポートを減らすか、複数の送信元をまとめたプレフィックスを使ってください。',
      map_budget_total:
        '送信元を制限したフォワード全体でマップ要素が {{elements, number}} 個必要です（上限 {{max, number}} 個）。送信元やポートを減らしてください。',
    },
    target_port: {
      needs_single_range:
        '転送先ポートを変えるには、公開ポートを 1 つのポートか 1 つの範囲にしてください（リストは不可）。',
      past_65535: 'ずらした範囲 {{from}}-{{to}} が 65535 を超えています。',
    },
    public_ports: {
      shift_too_wide: 'ずらせる範囲は最大 {{max}} ポートです。同じポートのままにするか、分割してください。',
    },
    interfaces: {
      lan_is_wan: '{{name}} はすでに WAN インターフェースです。',
      lan_twice: '{{name}} が 2 回指定されています。',
    },
    interface: {
      dot: '「.」と「..」はインターフェース名に使えません。',
      format: 'インターフェース名には英数字と . _ - @ + のみ使えます。',
    },
    id: {
      format: '英小文字・数字・ハイフンで 1〜40 文字（先頭は英字か数字）にしてください。',
      taken_by_forward: 'ID「{{id}}」はフォワード「{{name}}」が使用しています。',
      taken_by_gateway_forward: 'ID「{{id}}」はゲートウェイフォワード「{{name}}」が使用しています。',
      fixed: 'ID は変更できません（{{id}} のままです）。',
    },
    table: {
      format: '英小文字・数字・アンダースコアで 1〜32 文字（先頭は英字）にしてください。',
      keyword: 'nftables のキーワードです。別の名前にしてください。',
    },
    prefix: {
      format: '203.0.113.0/24 のような IPv4 アドレスかプレフィックスを入力してください。',
      host_bits:
        'プレフィックス長より後ろのホスト部が 0 ではありません。ネットワークアドレス（例: 203.0.113.0/24）を使ってください。',
    },
    text: {
      forbidden_chars: '引用符、バックスラッシュ、制御文字は使えません。',
    },
    ftp: {
      control_port_twice: '制御ポートが 2 回指定されています。',
      passive_only_needs_helper: 'パッシブのみにするには FTP ヘルパーを有効にしてください。',
      passive_only_with_ftps:
        'FTPS フォワード「{{name}}」があるため、パッシブのみは使えません。ヘルパーは暗号化された制御接続を読めないので、そのデータ接続は関連 (related) にならず、パッシブのみでは何も遮断できません。',
      port_not_exposed: 'ポート {{port}} を公開している有効な TCP フォワードがありません。',
      port_not_exposed_on: '{{servers}} のポート {{port}} を公開している有効な TCP フォワードがありません。',
      server_not_forwarded: '{{server}} 宛ての有効な TCP フォワードがありません。',
    },
    tftp: {
      port_twice: 'ポートが 2 回指定されています。',
      port_not_exposed: 'ポート {{port}} を公開している有効な UDP フォワードがありません。',
      port_not_exposed_on: '{{servers}} のポート {{port}} を公開している有効な UDP フォワードがありません。',
      server_not_forwarded: '{{server}} 宛ての有効な UDP フォワードがありません。',
    },
    ftps: {
      passive_one_range: 'サーバーのパッシブ範囲は 1 つのポートか 1 つの範囲 (例: 40000-40009) で指定してください。',
      needs_tcp: 'FTPS は TCP で動きます。プロトコルを tcp (または両方) にしてください。',
      passive_overlaps_own: 'パッシブ範囲がこのフォワード自身の公開ポート {{ports}} と重なっています。',
      passive_shadows_gateway_forward:
        'ポート {{port}} はゲートウェイ自身のフォワード「{{name}}」です。パッシブ範囲がそれを覆い隠します。',
      passive_overlap: 'TCP ポート {{ports}} はすでに「{{other}}」が転送しています。',
      passive_only_on:
        '先に FTP のパッシブのみをオフにしてください。ヘルパーは暗号化された制御接続を読めないため、パッシブのみではこのフォワードのデータ接続を何も遮断できません。',
    },
    reflection: {
      address_twice: '{{address}} が 2 回指定されています。',
    },
    gateway_forward: {
      port_taken: 'ポート {{port}} はゲートウェイフォワード「{{other}}」が使用しています。',
    },
    forward: {
      shadows_gateway_forward:
        'ポート {{port}} はゲートウェイ自身のフォワード「{{name}}」です。転送するとそれが使えなくなります。',
      ports_overlap: '{{proto}} ポート {{ports}} はすでに「{{other}}」が転送しています。',
      ports_in_ftps_range: 'TCP ポート {{ports}} は「{{other}}」の FTPS パッシブ範囲です。',
      unknown: 'フォワード「{{id}}」はありません。',
    },
    ids: {
      twice: '「{{id}}」が 2 回指定されています。',
    },
    pair: {
      unknown_node: 'ペアに {{node}} というノードはありません。ペアのノードは {{known}} です。',
    },
    ha: {
      address_format: 'プレフィックス長付きのアドレスを指定してください（例: 192.0.2.2/24）。',
      secret_chars: '空白を含まない表示可能な文字を使ってください。',
      same_name: '2 台のノードには別々の名前が必要です。',
      same_priority: '2 台のノードには別々の優先度が必要です。',
      same_sync_address: '2 台のノードには別々の同期アドレスが必要です。',
      same_api: '2 台のノードには別々のアドレスが必要です。',
      same_router_id: 'WAN と LAN には別々の VRRP ルーター ID が必要です。',
      sync_interface_taken:
        '{{name}} は WAN または LAN の通信に使われています。同期リンクには専用のインターフェースが必要です。',
      peer_token_short: 'ピアトークンは {{minimum}} 文字以上にしてください。',
      secret_masked:
        'このシークレットは伏せ字で表示されたもので、保存された値がありません。シークレットそのものを入力してください。',
    },
    password: {
      wrong: 'パスワードが違います。',
      control_chars: '制御文字（NUL、改行、タブなど）は使えません。',
      contains_username: 'パスワードにユーザー名を含めることはできません。',
      weak: '推測されやすすぎます（強度 {{score}}／4、必要な強度 {{needs}}）。',
    },
    etag: {
      invalid: 'このサーバーのバージョン情報ではありません。再読み込みしてやり直してください。',
    },
  },
  interfaceState: {
    up: '稼働',
    down: '停止',
    unknown: '不明',
    lowerlayerdown: '下位層が停止',
    dormant: '休止',
    notpresent: '存在しない',
    testing: 'テスト中',
  },
  lockoutReason: {
    forward: 'フォワード「{{id}}」により、現在の接続がパネルに届かなくなります。',
    gateway_forward: 'ゲートウェイフォワード「{{id}}」により、現在の接続がパネルに届かなくなります。',
    interfaces: 'WAN インターフェースを変更すると、現在の接続がパネルに届かなくなります。',
    other: 'この適用により、現在の接続がパネルに届かなくなります。',
  },
  serverError: {
    validation: '入力内容に誤りがあります。',
    bad_request: 'リクエストが正しくありません。',
    invalid_json: 'リクエストが正しい JSON ではありません。',
    unauthenticated: 'もう一度サインインしてください。',
    bad_credentials: 'ユーザー名またはパスワードが違います。',
    account_disabled: 'このアカウントは無効です。管理者が再度有効にできます。',
    session_required: 'この操作には API トークンではなくサインインセッションが必要です。',
    csrf: 'ページが古くなっています。再読み込みしてやり直してください。',
    forbidden: 'このロールでは実行できません。',
    not_found: '見つかりません。',
    method_not_allowed: 'この操作はここでは許可されていません。',
    not_acceptable: 'サーバーがこのページで読める形式で応答できません。',
    request_timeout: 'リクエストに時間がかかりすぎました。',
    conflict: 'その間に誰かが変更しました。再読み込みしてやり直してください。',
    exists: 'すでに存在します。',
    last_admin: '最後の管理者です。先に別のユーザーを管理者にしてください。',
    token_active: 'このトークンはまだ有効です。削除する前に失効させてください。',
    lockout: 'この適用を行うと、使用中の接続が切断されます。',
    panel_connection: 'パネル自体への接続です。切断すると、それを使っているブラウザーが操作できなくなります。',
    apply_in_progress: '別の適用またはロールバックが実行中です。終わってからやり直してください。',
    peer_not_allowed: 'ペアのピアトークンはピア用のルートにしか使えません。',
    pair_degraded:
      'ピア {{peer}} に接続できないため、ペアは縮退状態です。このノードだけに適用するか、先にピアを復旧してください。',
    pair_peer_refused: 'ノード {{node}} がリビジョンを拒否したため、どちらのノードも変更されていません: {{reason}}',
    peer_refused: 'ノード {{node}} がリビジョンを拒否しました: {{reason}}',
    peer_unreachable: '相手ノード {{node}} に到達できないため、その表は今表示できません。',
    not_master: 'このノードは仮想アドレスを保持していません。フェイルオーバーするものはありません。',
    not_pair_node:
      'このパネルは適用済みのペアのノードではありません（GATEHOUSE_HA_NODE と、それを含むペアが適用済みリビジョンに必要です）。',
    ha_engines_off:
      'このノードでは Gatehouse は keepalived を動かしていません（GATEHOUSE_HA_ENGINES=off）。keepalived 自体でフェイルオーバーしてください。',
    ha_engine_failed: 'keepalived を {{action}} できませんでした: {{detail}}',
    nothing_to_confirm: '確認を待っている仮適用はありません。',
    import_own_table: 'テーブル {{table}} は Gatehouse 自身のテーブルです。廃止することはありません。',
    import_table_not_read:
      'テーブル {{table}} はインポートで読んだテーブルではありません。廃止できるのは読んだテーブルだけです。',
    import_table_kept: 'テーブル {{table}} は別のツールが管理しているため残します。廃止できません。',
    import_table_gone: 'テーブル {{table}} はもうゲートウェイにありません。ルールセットを読み直してください。',
    import_table_not_restorable:
      'テーブル {{table}} を nft が読み戻せる形で保存できないため、ロールバックで元に戻せません。残しておき、確定後に手で削除してください。',
    import_invalid_proposal: '提案が正しいモデルではありません。採用する前に直してください。',
    confirm_needs_new_connection: '新しい接続で確認してください。この接続は適用前に開かれたものです。',
    nothing_applied: 'まだ何も適用されていません。',
    nothing_to_roll_back: 'ロールバックできるものがありません。',
    not_restorable: 'このリビジョンには復元できるゲートウェイモデルがありません。',
    drift_not_adoptable:
      'この手動変更は取り込めません。モデルですべてを表せないためです。代わりに適用済みリビジョンを復元してください。',
    nothing_to_adopt: 'ライブテーブルは適用済みリビジョンのとおりです。取り込むものはありません。',
    table_missing: 'テーブルがカーネルから消えています。代わりに適用済みリビジョンを復元してください。',
    not_rejected: 'リビジョン {{id}} は正常に適用されました。代わりにロールバックしてください。',
    pending_confirmation: '仮適用が確認待ちです。先に確認するか、ロールバックされるのを待ってください。',
    precondition_failed: 'その間に誰かが設定を変更しました。再読み込みしてやり直してください。',
    precondition_required: 'ページを再読み込みしてやり直してください。',
    length_required: 'リクエストに長さがありません。',
    body_too_large: 'リクエストが大きすぎます。',
    uri_too_long: 'アドレスが長すぎます。',
    bad_url: 'アドレスが正しくありません。',
    invalid_content_length: 'リクエストの長さが正しくありません。',
    unsupported_media_type: 'サーバーが受け付けない形式のリクエストです。',
    unprocessable: 'サーバーはこれを処理できませんでした。',
    rate_limited: '試行回数が多すぎます。しばらく待ってからやり直してください。',
    headers_too_large: 'リクエストヘッダーが大きすぎます。',
    nft_rejected: 'nft がルールセットを拒否しました。何も変更されていません。',
    nft_failed: '現在のルールセットを読み取れませんでした。',
    command_failed: 'システムコマンドが失敗しました。詳細はサーバーのログにあります。',
    stored_model_invalid: '保存されたゲートウェイモデルが検証に通りません。詳細はサーバーのログにあります。',
    internal: '内部エラーです。詳細はサーバーのログにあります。',
  },
};
