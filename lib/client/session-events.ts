/**
 * Keeps this browser's tabs in step: a sign-out in one tab signs out every tab, and activity in
 * one moves the idle deadline the others show. One BroadcastChannel per tab, used both to send
 * and to listen: a channel never receives its own messages, so each event reaches this tab once
 * (through the local event) and every other tab once (through the channel).
 */
export type SessionEvent = "activity" | "signed-out";

const CHANNEL = "keyhole-session";
const LOCAL_EVENT = "keyhole:session";

/** Set once this tab knows the user signed out, so a late 401 is not mistaken for an expiry. */
let signedOut = false;
let channel: BroadcastChannel | null | undefined;

function getChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
    channel?.addEventListener("message", (message: MessageEvent<SessionEvent>) => {
      if (message.data === "signed-out") signedOut = true;
      window.dispatchEvent(new CustomEvent<SessionEvent>(LOCAL_EVENT, { detail: message.data }));
    });
  }
  return channel;
}

export function hasSignedOut(): boolean {
  return signedOut;
}

/** This tab is signing out: from now on a 401 is expected. Tell the other tabs once it is done. */
export function beginSignOut(): void {
  signedOut = true;
}

export function announce(event: SessionEvent): void {
  if (typeof window === "undefined") return;
  if (event === "signed-out") signedOut = true;
  window.dispatchEvent(new CustomEvent<SessionEvent>(LOCAL_EVENT, { detail: event }));
  getChannel()?.postMessage(event);
}

/** Calls `listener` for events from this tab and from the others; returns the unsubscribe. */
export function onSessionEvent(listener: (event: SessionEvent) => void): () => void {
  getChannel();
  const local = (event: Event) => listener((event as CustomEvent<SessionEvent>).detail);
  window.addEventListener(LOCAL_EVENT, local);
  return () => window.removeEventListener(LOCAL_EVENT, local);
}
