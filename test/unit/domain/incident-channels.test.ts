import { describeIncidentChannels, isIncidentChannel } from '../../../src/domain/policy';

describe('incidents.channels: channel IDs match the channel exactly, other entries are name patterns', () => {
  it.each([
    // [entries, channel_id, channel_name, incident?]
    [['C0INC2041'], 'C0INC2041', 'anything', true],
    [['G0PRIVINC'], 'G0PRIVINC', 'privategroup', true],
    [['C0INC2041'], 'C0OTHER01', 'inc-2041-stale-prices', false],
    // an ID is never read as a pattern on the name
    [['C0INC2041'], 'C0OTHER01', 'C0INC2041-copy', false],
    [['C0INC'], 'C0INC2041', 'inc-1', false],
    [['^inc-'], 'C0OTHER01', 'inc-2041-stale-prices', true],
    [['^inc-'], 'C0OTHER01', 'since-inc-x', false],
    [['inc-'], 'C0OTHER01', 'since-inc-x', true],
    // a pattern is never read against the ID
    [['^C0'], 'C0INC2041', 'releases', false],
    [['^inc-'], 'C0INC2041', undefined, false],
    [['C0INC2041', '^incident-'], 'C0ELSE001', 'incident-42', true],
    [[], 'C0INC2041', 'inc-1', false],
  ] as Array<[string[], string, string | undefined, boolean]>)('%j, %s #%s → %s', (entries, id, name, expected) => {
    expect(isIncidentChannel(entries, id, name)).toBe(expected);
  });

  it('names IDs as channel links and patterns as patterns', () => {
    expect(describeIncidentChannels(['^inc-']).text).toBe('channels matching `^inc-`');
    expect(describeIncidentChannels(['C0INC2041', '^inc-', '^incident-']).text).toBe('<#C0INC2041> or channels matching `^inc-`, `^incident-`');
  });
});
