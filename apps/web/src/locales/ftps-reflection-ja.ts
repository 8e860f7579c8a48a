/** FTPS フォワードと NAT リフレクション (ja)。ja.ts に展開する。 */
export const ftpsReflectionJa = {
  ftpsReflection: {
    ftps: 'FTPS (暗号化された制御接続)',
    tagFtps: 'FTPS、パッシブ {{range}}',
    tagReflectionOn: 'リフレクションあり',
    tagReflectionOff: 'リフレクションなし',
    ftpsHelp:
      'FTP ヘルパーは暗号化された制御接続を読めないため、データ接続を開けません。代わりに Gatehouse がサーバーのパッシブポート範囲を同じサーバーの同じポートへ転送します。このフォワードが有効な間はパッシブのみを使えません。',
    passivePorts: 'サーバーのパッシブポート',
    passivePortsHelp:
      'FTP サーバーがデータ接続に使う 1 つの範囲 (例: 40000-40009。vsftpd の pasv_min_port と pasv_max_port、proftpd の PassivePorts、pure-ftpd の -p)。TLS の下では誰も書き換えられないため、サーバー自身がゲートウェイの公開アドレスを通知する必要があります: vsftpd は pasv_address=<公開アドレス>、proftpd は MasqueradeAddress <公開アドレス>、pure-ftpd は -P <公開アドレス>。',
    reflection: 'NAT リフレクション',
    reflectionHelp:
      'ゲートウェイの公開アドレスに接続した LAN のクライアントがこのフォワードに届きます (ヘアピン NAT)。',
    reflectionDefault: 'ゲートウェイの設定に従う',
    reflectionOn: 'このフォワードはオン',
    reflectionOff: 'このフォワードはオフ',
    global: {
      title: 'NAT リフレクション (ヘアピン)',
      enabled: 'LAN のクライアントが公開アドレスでフォワードに届く',
      enabledHelp:
        'ゲートウェイの公開アドレスに接続した LAN の機器が、インターネット上のクライアントと同じように転送先サーバーに届きます (FTP を含む)。その接続はゲートウェイの LAN アドレスにマスカレードされ、サーバーの応答はゲートウェイを通って戻ります。フォワードごとに除外 (この設定がオフのときは対象に) できます。',
      publicAddresses: '公開アドレス',
      publicAddressesHelp:
        '空欄: クライアントが使う LAN インターフェース以外にあるゲートウェイのアドレスすべて (DHCP のアドレスにも追従)。LAN インターフェースが複数あるときは、公開アドレスをカンマか空白で区切って指定してください。',
      save: 'NAT リフレクションを保存',
    },
  },
};
