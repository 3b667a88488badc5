"use client";
/**
 * Notes being typed, kept in this tab's sessionStorage so a session that ends mid-sentence (a 401
 * sends the tab to /login, or the idle timeout) does not lose them. Never on the server, never in
 * localStorage (it outlives the tab and is shared by every tab). Keyed by user id: another user
 * signing in on this tab is never offered them, and the notes page clears other users' drafts.
 */
import { useCallback, useEffect, useRef } from "react";

export interface NoteDraft {
  title: string;
  body: string;
}

/** A draft as stored: with the session it was typed in (a draft from this session is no surprise). */
export interface StoredDraft extends NoteDraft {
  sessionId?: string;
}

/** "new" for the New note form, else the id of the note being edited. */
export type DraftKey = "new" | `edit:${string}`;
type Drafts = Partial<Record<DraftKey, StoredDraft>>;

const PREFIX = "keyhole:note-drafts:";
const SAVE_DELAY_MS = 300;

const storageKey = (userId: string) => `${PREFIX}${userId}`;

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled: drafts are simply not kept
  }
}

export function readDrafts(userId: string): Drafts {
  try {
    const stored = storage()?.getItem(storageKey(userId));
    return stored ? (JSON.parse(stored) as Drafts) : {};
  } catch {
    return {};
  }
}

function writeDrafts(userId: string, drafts: Drafts): void {
  const store = storage();
  if (!store) return;
  if (Object.keys(drafts).length === 0) store.removeItem(storageKey(userId));
  else store.setItem(storageKey(userId), JSON.stringify(drafts));
}

export function saveDraft(userId: string, key: DraftKey, draft: NoteDraft, sessionId?: string): void {
  const drafts = readDrafts(userId);
  if (draft.title === "" && draft.body === "") delete drafts[key];
  else drafts[key] = { title: draft.title, body: draft.body, sessionId };
  writeDrafts(userId, drafts);
}

export function clearDraft(userId: string, key: DraftKey): void {
  const drafts = readDrafts(userId);
  delete drafts[key];
  writeDrafts(userId, drafts);
}

/** Clears the draft under `key` if it is still `sent` (a newer one typed meanwhile stays). */
export function clearDraftIfUnchanged(userId: string, key: DraftKey, sent: NoteDraft): void {
  const stored = readDrafts(userId)[key];
  if (stored && stored.title === sent.title && stored.body === sent.body) clearDraft(userId, key);
}

export function clearAllDrafts(userId: string): void {
  writeDrafts(userId, {});
}

/** Removes drafts this tab kept for anyone but `userId`. */
export function clearOtherUsersDrafts(userId: string): void {
  const store = storage();
  if (!store) return;
  const keep = storageKey(userId);
  const others = Array.from({ length: store.length }, (_, index) => store.key(index)).filter((key) => key?.startsWith(PREFIX) && key !== keep);
  for (const key of others) store.removeItem(key!);
}

/**
 * Saves what is typed under `key`, a moment after the last keystroke and at once when the page
 * goes away (the 401 redirect does not wait for a timer). Returns `save` for every change,
 * `keepUntilSaved` for a submit (the draft stays until the server has it: a submit is the very
 * request that finds the session over) and `clear` for cancel.
 */
export function useDraftSaver(userId: string, sessionId: string, key: DraftKey) {
  const pending = useRef<NoteDraft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (pending.current) saveDraft(userId, key, pending.current, sessionId);
    pending.current = null;
  }, [userId, sessionId, key]);

  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const save = useCallback(
    (draft: NoteDraft) => {
      pending.current = draft;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, SAVE_DELAY_MS);
    },
    [flush],
  );

  const clear = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = null;
    clearDraft(userId, key);
  }, [userId, key]);

  const keepUntilSaved = useCallback(
    (sent: NoteDraft) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      pending.current = null;
      saveDraft(userId, key, sent, sessionId);
      return () => clearDraftIfUnchanged(userId, key, sent);
    },
    [userId, sessionId, key],
  );

  return { save, clear, keepUntilSaved };
}
