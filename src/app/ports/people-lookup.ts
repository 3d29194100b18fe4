/** Who a commit author is in Slack (a triggered promotion is requested on their behalf). */
export interface PeopleLookup {
  /** The Slack user with this email, undefined when there is none; throws when Slack cannot answer. */
  slackUserByEmail(email: string): Promise<string | undefined>;
}
