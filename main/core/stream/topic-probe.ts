/**
 * Finding the topic VoIPBIN refuses. One invalid topic makes the server drop the whole socket
 * with no word of which (PROTOCOL.md §1.3). A drop right after subscribing makes the next
 * connection subscribe one topic per ping/pong round trip; a topic that kills the socket
 * `quarantineAfter` times is taken out (a single drop could be a network blip).
 */
export class TopicProbe {
  /** The next connection subscribes one topic at a time. */
  probeNext = false;
  private readonly failures = new Map<string, number>();

  constructor(private readonly quarantineAfter: number) {}

  /** The server took this topic. */
  accepted(topic: string): void {
    this.failures.delete(topic);
  }

  /** The socket died while this topic's subscribe was in flight: true when it must go now. */
  blame(topic: string): boolean {
    const n = (this.failures.get(topic) ?? 0) + 1;
    if (n < this.quarantineAfter) {
      this.failures.set(topic, n);
      return false;
    }
    this.failures.delete(topic);
    return true;
  }
}
