import { useEffect, useRef, useState } from 'react';
import type { Order } from './types.js';

/**
 * The order stream (server-sent events): `order` after every change, `order.new_delivery` for a
 * merchant's new delivery order. The browser's EventSource reconnects by itself after a drop.
 * A merchant stream follows the shop `merchantId` names, or every shop of the owner without it.
 */
export function useOrderEvents(
  path: '/v1/me/orders/events' | '/v1/merchant/orders/events',
  onOrder: (order: Order, isNewDelivery: boolean) => void,
  merchantId: string | null = null,
): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  const handler = useRef(onOrder);
  handler.current = onOrder;
  useEffect(() => {
    // EventSource sends no headers (no x-merchant-id): the session cookie goes along, the shop in the query.
    const url = merchantId ? `${path}?merchantId=${encodeURIComponent(merchantId)}` : path;
    const source = new EventSource(url, { withCredentials: true });
    const receive = (isNewDelivery: boolean) => (event: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(event.data) as Order, isNewDelivery);
      } catch {
        // A malformed event is skipped; the next reload shows the truth.
      }
    };
    source.addEventListener('ready', () => setConnected(true));
    source.addEventListener('order', receive(false));
    source.addEventListener('order.new_delivery', receive(true));
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, [path, merchantId]);
  return { connected };
}

/** A short two-tone chime (Web Audio): no sound file to download, and silent where audio is blocked. */
export function playNewOrderChime(): void {
  try {
    const context = new AudioContext();
    const tones = [880, 1320];
    tones.forEach((frequencyHz, index) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequencyHz;
      gain.gain.value = 0.15;
      oscillator.connect(gain).connect(context.destination);
      const startS = context.currentTime + index * 0.18;
      oscillator.start(startS);
      oscillator.stop(startS + 0.15);
    });
    setTimeout(() => void context.close(), 1_000);
  } catch {
    // No audio on this device: the visual alert stands alone.
  }
}
