/**
 * Whether an MQTT topic filter matches a topic name (MQTT 3.1.1 §4.7). Filters that start with a
 * wildcard do not match topics that start with `$` [MQTT-4.7.2-1], so a `#` subscriber never
 * sees `$aws/...` replies.
 */
export function topicFilterMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return true;
    if (i >= topicLevels.length) return false;
    if (level !== '+' && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}
