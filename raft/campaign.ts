// The kinds of election a member can start.

export const CampaignType = {
  /** Pre-vote: ask whether we could win, without raising our term (thesis §9.6). */
  PreElection: 'pre-election',
  Election: 'election',
  /** Asked to take over by the leader (TimeoutNow): skip pre-vote, override leader leases. */
  Transfer: 'transfer',
} as const;
export type CampaignType = (typeof CampaignType)[keyof typeof CampaignType];

/** Vote requests of a TimeoutNow-driven election carry this context. */
export const CAMPAIGN_TRANSFER_CONTEXT: Uint8Array = new TextEncoder().encode('CampaignTransfer');
