/**
 * Keeps this browser's tabs in step: a sign-out in one tab signs out every tab, and activity in
 * one moves the idle deadline the others show. BroadcastChannel reaches same-origin tabs only.
 */
export type SessionEvent = "activity" | "signed-out";

const CHANNEL = "keyhole-session";
const LOCAL_EVENT = "keyhole:session";

/** Set once this tab knows the user signed out, so a late 401 is not mistaken for an expiry. */
let signedOut = false;

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
  if ("BroadcastChannel" in window) {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(event);
    channel.close();
  }
}

/** Calls `listener` for events from this tab and from the others; returns the unsubscribe. */
export function onSessionEvent(listener: (event: SessionEvent) => void): () => void {
  const local = (event: Event) => listener((event as CustomEvent<SessionEvent>).detail);
  window.addEventListener(LOCAL_EVENT, local);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
  if (channel) {
    channel.onmessage = (message: MessageEvent<SessionEvent>) => {
      if (message.data === "signed-out") signedOut = true;
      listener(message.data);
    };
  }
  return () => {
    window.removeEventListener(LOCAL_EVENT, local);
    channel?.close();
  };
}
