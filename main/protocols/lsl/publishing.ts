/** Wires an LslPublisher to a Hub: every sample to LSL, body names from the Hub's catalogs (docs/protocols/lsl.md §6). */
import type { Hub } from '../../hub/hub';
import { BodyNames, LslPublisher, type PublisherOptions } from './publisher';

export function startLslPublishing(
  hub: Hub,
  options: PublisherOptions,
): { publisher: LslPublisher; close(): Promise<void> } {
  const names = new BodyNames();
  for (const c of hub.catalogs()) names.update(c);
  const onCatalog = (c: Parameters<BodyNames['update']>[0]) => names.update(c);
  hub.on('catalog', onCatalog);
  const publisher = new LslPublisher({ bodyName: names.lookup, ...options });
  const removeSink = hub.addSink(publisher.sink);
  return {
    publisher,
    close: async () => {
      removeSink();
      hub.off('catalog', onCatalog);
      await publisher.close();
    },
  };
}
