/**
 * Drift adoption (dashboard) and restoring a rejected revision (History), in
 * English. Spread into en.ts like messages-en.ts.
 */
export const driftHistoryEn = {
  driftAdopt: {
    help: 'Or adopt the hand change into the model, where the model can say it.',
    open: 'Adopt into the model…',
    close: 'Hide adoption',
    title: 'Adopt the hand change into the model',
    intro:
      'The live table, read back, would become the desired state; apply it next to make it a revision. Names and comments are kept from the applied revision.',
    loading: 'Reading the live table…',
    summaryLabel: 'What adopting changes in the model',
    nothingChanged: 'The live table says the same as the applied revision: there is nothing to adopt.',
    notAdoptable:
      'This hand change cannot be adopted: the model cannot say all of it. Restore the applied revision instead.',
    unexpressibleLabel: 'What the model cannot say',
    replacesPending: 'The desired state holds changes not applied yet; adopting replaces them.',
    adopt: 'Adopt',
    question: 'Make the live table the desired state?',
    confirm: 'Yes, adopt',
    done: 'Adopted: the hand change is now a pending change.',
    toApply: 'Review and apply',
  },
  revisionRestore: {
    button: 'Restore',
    buttonLabel: 'Restore revision {{id}} as the desired state',
    title: 'Restore revision {{id}}',
    explainFailed:
      'nft rejected this revision, so it never became live. Restoring puts its model back as the desired state, so that it can be fixed and applied again. Nothing is loaded now.',
    explainRolledBack:
      'This revision was rolled back before it was confirmed. Restoring puts its model back as the desired state, so that it can be fixed and applied again. Nothing is loaded now.',
    confirm: 'Restore as the desired state',
    yes: 'Yes, restore it',
    question: 'Put this model back as the desired state?',
    summaryLabel: 'What applying the restored model changes',
    done: "Revision {{id}}'s model is the desired state again: fix it and apply it.",
    toApply: 'Review and apply',
  },
};
