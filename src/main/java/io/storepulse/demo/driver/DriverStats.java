package io.storepulse.demo.driver;

import io.storepulse.ingest.EventType;
import java.util.Map;

/**
 * What a {@link StorefrontDriver} has done so far.
 *
 * @param requests ingest requests answered or failed, retries included
 * @param events events sent (each counted once, however many times its request was retried)
 * @param resends of those, storefront retries: second copies with an id already sent
 * @param accepted events the server accepted
 * @param duplicates events the server answered as duplicates
 * @param rejected events the server rejected as invalid
 * @param retries requests sent again after 429, 503 or a connection failure
 * @param dropped events given up on: their request failed otherwise, or too many times
 * @param importedSkus products whose initial stock the bulk import set
 * @param acceptedByType accepted events per type
 */
public record DriverStats(
    long requests,
    long events,
    long resends,
    long accepted,
    long duplicates,
    long rejected,
    long retries,
    long dropped,
    int importedSkus,
    Map<EventType, Long> acceptedByType) {

  /** Accepted events of this type. */
  public long accepted(EventType type) {
    return acceptedByType.getOrDefault(type, 0L);
  }

  /** Every event sent has an answer or was given up on. */
  public boolean settled() {
    return accepted + duplicates + rejected + dropped == events;
  }
}
