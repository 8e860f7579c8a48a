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
    heldByHand:
      'このノードは手動で仮想アドレスを手放しました（フェイルオーバー）。「再開」するまで keepalived は停止したままです（適用後も）。その間は {{peer}} が保持します。',
    degraded: {
      title: '縮退中: 相手の {{peer}} に到達できません',
      explain:
        '仮想アドレスと同期済みの接続は keepalived と conntrackd により引き続き引き継がれますが、変更を両方のノードに届けられません。リビジョンは両方に適用するか、どちらにも適用しないかのどちらかです。',
      override:
        '今適用するには「このノードだけに適用」を明示的に選ぶ必要があります。その場合、相手は復帰して再度リビジョンが適用されるまで古いリビジョンのままです。',
      outOfSyncTitle: '縮退中: {{peer}} はこのノードのリビジョンを動かしていません',
      outOfSync:
        '2 つのノードが異なるリビジョンを保持しています（たとえば {{peer}} に到達できない間にこのノードだけに適用した後）。相手のパネルは再び応答しています。次の適用で両ノードが同じリビジョンになります。',
    },
    peer: {
      title: '相手ノード {{peer}}',
      unknownState: '{{peer}} の状態はまだ分かりません。',
      reachable: 'パネルの応答',
      yes: 'あり',
      no: 'なし',
      revision: '有効なリビジョン',
      noRevision: 'なし',
      inSync: 'このノードと同じリビジョン',
      inSyncYes: '一致',
      inSyncNo: '不一致',
    },
    actions: {
      title: '手動フェイルオーバー',
      failover: '{{peer}} にフェイルオーバー',
      failoverQuestion:
        'このノードは仮想アドレスを手放します（keepalived を停止）。{{peer}} がそれを引き継ぎ、接続は {{peer}} 上で続きます。フェイルオーバーしますか？',
      failoverConfirm: 'フェイルオーバーする',
      failoverDone: 'このノードは仮想アドレスを手放しました。数秒で {{peer}} が引き継ぎます。',
      resume: '再開',
      resumeQuestion:
        'このノードで keepalived を再び起動し、ペアに復帰します。優先度が高ければ仮想アドレスを取り戻します。再開しますか？',
      resumeConfirm: '再開する',
      resumeDone: 'このノードで keepalived が再び動いています。',
      resumeNothing: 'このノードの keepalived は止められていませんでした。再開するものはありません。',
      failoverStillHeld:
        'このノードの keepalived は停止しましたが、待機の終了時点で {{segments}} の仮想アドレスをまだ保持していました。{{peer}} のペアのページを確認してください。',
      notMaster: 'このノードは仮想アドレスを保持していません。ここからフェイルオーバーするものはありません。',
    },
  },
  /** ペアのリビジョンが両方のノードに届かなかった適用（適用、ロールバック、今すぐロールバック）。 */
  pairApply: {
    thePeer: '相手ノード',
    aNode: 'いずれかのノード',
    degradedTitle: {
      apply: '適用されませんでした: 相手の {{peer}} に到達できません。',
      confirm: '確定されませんでした: 相手の {{peer}} に到達できません。',
      rollback: 'ロールバックされませんでした: 相手の {{peer}} に到達できません。',
    },
    degradedExplain:
      'このゲートウェイはペアの一方で、変更は両方のノードに行うか、どちらにも行わないかのどちらかです。何も変更していません。このノードだけで行うこともできます。その場合 {{peer}} は復帰して再度適用するまで古いリビジョンのままです。',
    peerDownBefore:
      '相手の {{peer}} に到達できません。今適用すると、まず確認を求め、その後このノードだけに適用します。',
    thisNodeOnly: {
      apply: 'このノードだけに適用',
      confirm: 'このノードだけで確定',
      rollback: 'このノードだけでロールバック',
    },
    refusedAt: {
      check: '{{node}} が検査の段階でこのリビジョンを拒否しました。',
      apply: '{{node}} が適用の段階でこのリビジョンを拒否しました。',
      confirm: '{{node}} がこのリビジョンの確認を拒否しました。',
      rollback: '{{node}} がこのリビジョンのロールバックを拒否しました。',
    },
    outcome: {
      nothingChanged: 'どちらのノードも変更されていません。',
      rolledBackHere: 'このノードは一度適用し、直前のリビジョンに戻しました。どちらのノードも変更されていません。',
      notRolledBack:
        'このノードは直前のリビジョンに自動で戻せませんでした。ペアのページと履歴で両ノードを比べてください。',
      stillProvisional: 'このリビジョンはこのノードでまだ仮適用です。確認しなければ期限でロールバックされます。',
      notUndone: '何もロールバックされていません。仮適用のリビジョンは確認を待ったままです。',
    },
  },
  /** リビジョンを保持するノード（履歴）と、表が示すノード（接続、期待）。 */
  pairNodes: {
    column: 'ノード',
    notPair: '—',
    thisNodeOnly: 'このノードのみ',
    onlyOn: '{{node}} のみ',
    from: '{{node}} の #{{id}} から',
    fromNode: '{{node}} から',
    holdsLabel: '保持: {{nodes}}',
    node: 'ノード',
    nodeForm: '表示するノードの表',
    thisNode: 'このノード（{{node}}）',
    polled:
      '{{node}} の表は数秒ごとにそのパネルから読み込みます（ストリームではありません）。このノードのライブストリームには含まれません。',
  },
};
