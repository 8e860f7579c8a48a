/** ヘルパー診断ページの文言 (ja)。ftp-doctor-en.ts と同じキー。 */
export const ftpDoctorJa = {
  ftpDoctor: {
    title: 'ヘルパー診断',
    intro:
      'FTP の制御ポートを公開している転送ごとに、カーネル、ヘルパー、現在のコネクション、パッシブ限定ポリシー、サーバー自身が NAT 越しの FTP に合った設定かを、根拠と直し方とともに示します。 TFTP のポートを公開している転送にも、TFTP ヘルパーについて同じチェックを行います。',
    adminOnly:
      'ヘルパー診断は管理者向けです: ゲートウェイから FTP と TFTP のサーバーを調査し、その結果にはサーバーのバナーやクライアントのアドレスが含まれます。',
    refresh: '再チェック',
    refreshing: 'チェック中…',
    checkedAt: '{{at}} にチェック、適用中のリビジョン {{revision}}',
    checkedAtNothingApplied: '{{at}} にチェック、まだ何も適用されていません',
    empty: 'FTP の制御ポート (21 またはヘルパーの制御ポート) を公開している有効な転送はありません。',
    forward: '{{name}}: 公開ポート {{publicPort}} → {{server}}:{{controlPort}}',
    ftps: 'FTPS、パッシブ範囲 {{range}}',
    tftpSection: 'TFTP',
    tftpForward: '{{name}}: 公開 UDP ポート {{publicPort}} → {{server}}:{{port}}',
    evidence: '根拠',
    evidenceOf: '根拠: {{check}}',
    fix: '直し方',
    status: { ok: '正常', warning: '警告', failure: '異常' },
    check: {
      kernel: 'カーネル',
      'helper-scope': 'ヘルパーの対象',
      'live-evidence': '現在の通信',
      'passive-only': 'パッシブ限定',
      probe: 'サーバーの調査',
      heuristics: '推定',
    },
    moduleState: {
      builtin: '組み込み',
      loaded: 'モジュールとして読み込み済み',
      modprobed: 'パネルが読み込み済み',
      missing: 'なし',
      unknown: '不明',
    },
    say: {
      kernel: {
        ok: 'カーネルに nf_conntrack_ftp ({{conntrack}}) と nf_nat_ftp ({{nat}}) があります。',
        conntrack_missing: 'カーネルに FTP のコネクション追跡ヘルパー (nf_conntrack_ftp) がありません。',
        nat_missing:
          'カーネルに nf_nat_ftp がありません: ヘルパーは PASV の応答を読めても、その中のプライベートアドレスを書き換えられません。',
      },
      scope: {
        ok: '適用中のリビジョン {{revision}} はヘルパーを {{server}} のポート {{port}} に割り当てています。',
        nothing_applied: 'ゲートウェイにはまだ何も適用されていません。',
        helper_off: '適用中のリビジョン {{revision}} では FTP ヘルパーがオフです。',
        port_not_covered: 'リビジョン {{revision}} のヘルパーはポート {{port}} を検査しません。',
        server_not_covered: 'リビジョン {{revision}} のヘルパーはサーバー {{server}} を検査しません。',
        object_missing:
          'リビジョン {{revision}} にはヘルパーがありますが、ゲートウェイのテーブルに ct helper オブジェクトがありません。',
        ftps: 'この転送は FTPS です: ヘルパーは制御チャネルを読めないため、代わりにパッシブのポート範囲 {{range}} を転送しています。',
      },
      live: {
        ok: '{{server}}:{{port}} への最近の制御コネクション {{flows}} 件のうち {{withHelper}} 件に helper=ftp が付いています。',
        no_traffic: '{{since}} 以降、転送を通って {{server}}:{{port}} へ来た制御コネクションはありません。',
        without_helper:
          '{{server}}:{{port}} への最近の制御コネクション {{flows}} 件のうち {{withoutHelper}} 件にヘルパーが付いていません: その転送は動きません。',
        no_expectations:
          '制御コネクションにヘルパーは付いていますが、エクスペクテーションが作られていません: 転送が始まっていないか、ヘルパーが制御チャネルを読めません。',
        ftps: 'FTPS の転送を通って {{server}}:{{port}} へ来た制御コネクションは {{flows}} 件です。データコネクションは転送している範囲 {{range}} を使います。',
      },
      passive: {
        off: 'パッシブ限定はオフです: アクティブ FTP (PORT/EPRT) を許可しています。',
        on: 'パッシブ限定はオンです: アクティブのデータコネクションは拒否されます。',
        blocks_nothing:
          'パッシブ限定はオンですが、サーバー自身が公開アドレスを通知しています: データコネクションはヘルパー由来にならないため、このルールは何も拒否しません。',
      },
      probe: {
        ok: 'ゲートウェイからの問い合わせにサーバーが応答し、PASV の応答は自分のアドレス {{host}} を示しています。ヘルパーがこれを書き換えます。',
        no_answer: 'ゲートウェイから {{server}}:{{port}} と通信できませんでした。',
        not_ftp: '{{server}}:{{port}} は FTP サーバーとして応答しません。',
        public_address:
          'サーバーが PASV で公開アドレス {{host}} を通知しています: ヘルパーによる書き換えは意味がなく、パッシブ限定は拒否すべきものを拒否しません。',
        foreign_address:
          'サーバーが別のネットワークのアドレス {{host}} を通知しています: クライアントはそこへ接続しようとして失敗します。',
        pasv_needs_login:
          'PASV にはログインが必要です: 匿名ログインが拒否されたため、通知されるアドレスは分かりません。',
        pasv_refused: 'サーバーが PASV を拒否しました。',
        ftps_ok: 'FTPS サーバーは公開アドレス {{host}} と、転送している範囲 {{range}} のポートを通知しています。',
        ftps_private:
          'FTPS サーバーが公開アドレスではなく {{host}} を通知しています: TLS の下ではゲートウェイ側で書き換えられないため、クライアントはそこへ接続しようとして失敗します。',
        ftps_port_outside:
          'FTPS サーバーが、転送しているパッシブの範囲 {{range}} の外のポート {{port}} を通知しています。',
      },
      heuristics: {
        ok: '現在のテーブルには、制御チャネルの暗号化を疑わせるものはありません。',
        ftps_suspected:
          'FTPS の疑い: {{server}}:{{port}} への制御チャネルはおそらく暗号化されており、ヘルパーが読めません。',
      },
      evidence: {
        module: '{{module}}: {{state}} ({{source}})',
        helper_loads: '種類 "ftp" の ct helper をゲートウェイの名前空間で読み込めます (nft -c)。',
        helper_refused: '種類 "ftp" の ct helper を読み込めません: {{message}}',
        revision: '適用中のリビジョン {{revision}} ({{at}})。',
        helper_rule: 'ヘルパーはサーバー {{servers}} のポート {{ports}} を検査します。',
        desired_differs: '目標の状態に未適用の変更があります。',
        control_flows: '制御コネクション {{flows}} 件、うちヘルパー付き {{withHelper}} 件。最後は {{last}}。',
        flow_without_helper: '{{at}} の {{client}} からの制御コネクションにヘルパーが付いていません。',
        expectations: 'エクスペクテーション {{count}} 件を作成。最後は {{last}}。',
        no_expectations: 'エクスペクテーションは作られていません。',
        data_linked: '制御コネクションに結び付いたデータコネクション {{count}} 件。最後は {{last}}。',
        no_data_linked: '制御コネクションに結び付いたデータコネクションはありません。',
        drop_counter: '破棄ルールのカウント: {{packets}} パケット。',
        counter_unavailable: '破棄ルールにカウンターがないため、件数は分かりません。',
        active_attempt: '{{at}} に {{client}} がアクティブのデータコネクションを通知しました。',
        banner: 'バナー: {{banner}}',
        auth_tls_offered: 'FEAT が AUTH TLS を提示しています (サーバーは FTPS 対応)。',
        auth_tls_not_offered: 'FEAT は AUTH TLS を提示していません。',
        pasv: 'PASV が {{host}} のポート {{port}} を通知しています。',
        tls: '調査はサーバーと TLS で通信しました (AUTH TLS)。',
        probe_error: '調査: {{message}}',
        stray_connection: '{{at}} に {{client}} から {{address}}:{{port}} への接続。どの転送も受け持たないポートです。',
        quiet_control_flow:
          '{{client}} からのヘルパー付き制御コネクションが {{minutes}} 分続き、エクスペクテーションがありません。',
      },
      fix: {
        load_nat_ftp:
          '読み込んでください: modprobe nf_nat_ftp を実行し、起動時にも読み込まれるよう /etc/modules-load.d/ のファイルに nf_nat_ftp の行を加えます。',
        kernel_conntrack_ftp: 'CONFIG_NF_CONNTRACK_FTP (モジュールまたは組み込み) のあるカーネルを使ってください。',
        apply: '目標の状態を適用してください (適用ページ)。',
        enable_helper: 'FTP ヘルパーをオンにして (ヘルパーページ) 適用してください。',
        add_control_port: 'ヘルパーの制御ポートにポート {{port}} を加えて (ヘルパーページ) 適用してください。',
        add_server:
          'ヘルパーのサーバーに {{server}} を加えるか、一覧を空にしてすべての転送先を対象にし、適用してください。',
        restore: '適用中のリビジョンを復元してください (ダッシュボードのドリフト復元)。',
        start_server:
          '{{server}} のポート {{port}} で FTP サーバーが動いていて、ゲートウェイから届くか確認してください。',
        unset_pasv_address:
          '書き換えはヘルパーに任せてください: サーバーの公開アドレス設定 (vsftpd の pasv_address、proftpd の MasqueradeAddress、pure-ftpd の -P) を外すか、FTPS なら転送を FTPS にしてパッシブのポート範囲を転送します。',
        own_address:
          'サーバーが自分のアドレス {{server}} を通知するようにするか、設定を外してください (vsftpd の pasv_address、proftpd の MasqueradeAddress、pure-ftpd の -P)。ヘルパーが公開アドレスに書き換えます。',
        allow_anonymous: 'ゲートウェイ側で直すものはありません。通知されるアドレスはログインしないと確認できません。',
        ftps: '転送を FTPS にしてサーバーのパッシブのポート範囲を転送し、サーバーが公開アドレス {{public}} を通知するようにしてください: vsftpd は pasv_address={{public}}、proftpd は MasqueradeAddress {{public}}、pure-ftpd は -P {{public}}。',
        ftps_range:
          '転送のパッシブ範囲をサーバーの設定 (vsftpd の pasv_min_port/pasv_max_port、proftpd の PassivePorts、pure-ftpd の -p) に合わせてください。現在は {{range}} です。',
      },
      tftp: {
        kernel_ok: 'カーネルに nf_conntrack_tftp ({{conntrack}}) と nf_nat_tftp ({{nat}}) があります。',
        kernel_conntrack_missing: 'カーネルに TFTP のコネクション追跡ヘルパー (nf_conntrack_tftp) がありません。',
        kernel_nat_missing:
          'カーネルに nf_nat_tftp がありません: ヘルパーはサーバーの応答を予期できても、要求の NAT を与えられないため、応答がクライアントに届きません。',
        scope_ok:
          '適用中のリビジョン {{revision}} は TFTP ヘルパーを {{server}} のポート {{port}} に割り当てています。',
        scope_helper_off: '適用中のリビジョン {{revision}} では TFTP ヘルパーがオフです。',
        scope_port_not_covered: 'リビジョン {{revision}} の TFTP ヘルパーはポート {{port}} を調べません。',
        scope_server_not_covered: 'リビジョン {{revision}} の TFTP ヘルパーはサーバー {{server}} を調べません。',
        scope_object_missing:
          'リビジョン {{revision}} には TFTP ヘルパーがありますが、ゲートウェイのテーブルに ct helper オブジェクトがありません。',
        live_ok:
          '{{server}}:{{port}} への最近の TFTP 要求 {{flows}} 件のうち {{withHelper}} 件に helper=tftp が付いています。',
        live_no_traffic: '{{since}} 以降、転送を通って {{server}}:{{port}} に届いた TFTP 要求はありません。',
        live_without_helper:
          '{{server}}:{{port}} への最近の TFTP 要求 {{flows}} 件のうち {{withoutHelper}} 件にヘルパーが付いていません: サーバーが新しいポートから返す応答はクライアントに届きません。',
        live_no_expectations:
          'TFTP 要求にヘルパーは付いていますが、期待 (expectation) が作られていません: ヘルパーが読み書き要求を読めていません。',
        probe_ok:
          'TFTP サーバーはゲートウェイに応答します: 存在しえないファイルの読み込み要求にエラーパケットが返りました。',
        probe_no_answer:
          'ゲートウェイは TFTP サーバー {{server}}:{{port}} から {{seconds}} 秒以内に応答を得られませんでした。',
        probe_not_tftp: '{{server}}:{{port}} は応答しましたが、TFTP サーバーの応答ではありません。',
        evidence_helper_loads: '種類 "tftp" の ct helper がゲートウェイの名前空間で読み込めます (nft -c)。',
        evidence_helper_refused: '種類 "tftp" の ct helper を読み込めません: {{message}}',
        evidence_requests: '要求 {{flows}} 件、うちヘルパー付き {{withHelper}} 件。最後は {{last}}。',
        evidence_request_without_helper: '{{at}} の {{client}} からの要求にヘルパーが付いていません。',
        evidence_answers_linked:
          'サーバーが新しいポートから返した応答 {{count}} 件が要求に結び付けられました。最後は {{last}}。',
        evidence_no_answer_linked: '要求に結び付けられたサーバーの応答はありません。',
        evidence_error_reply: 'サーバーはポート {{port}} からエラー {{code}} で応答しました: {{message}}',
        fix_load_nat:
          '読み込んでください: modprobe nf_nat_tftp。起動時にも読み込まれるよう /etc/modules-load.d/ のファイルに nf_nat_tftp の行を加えてください。',
        fix_kernel_conntrack: 'CONFIG_NF_CONNTRACK_TFTP (モジュールまたは組み込み) のあるカーネルを使ってください。',
        fix_enable_helper: 'TFTP ヘルパーをオンにして (ヘルパーページ) 適用してください。',
        fix_add_port: 'TFTP ヘルパーのポートに {{port}} を加えて (ヘルパーページ) 適用してください。',
        fix_start_server:
          'TFTP サーバーが {{server}} のポート {{port}} で動いていて、ゲートウェイから (UDP で) 届くことを確かめてください。',
      },
    },
  },
};
