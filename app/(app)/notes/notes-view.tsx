"use client";
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { Time } from "@/app/components/time";
import { clearAllDrafts, clearOtherUsersDrafts, readDrafts, useDraftSaver, type DraftKey, type NoteDraft } from "@/lib/client/hooks/use-note-drafts";
import { useCreateNote, useDeleteNote, useNotes, useUpdateNote } from "@/lib/client/hooks/use-notes";
import { AppError } from "@/lib/shared/errors";
import type { NoteDto } from "@/lib/shared/schemas";
import { errorText } from "../errors";
import { QueryStatus } from "../query-status";
import { useConfirmStep } from "../use-confirm-step";
import { ConfirmRow } from "@/app/components/confirm-row";

// The API's limits (lib/shared/schemas.ts, not imported: it would bring zod into the page).
const TITLE_MAX = 200;
const BODY_MAX = 10_000;
/** From here on the text field shows how many characters are left. */
const BODY_COUNTER_FROM = 9_000;
/** Notes longer than this (characters or lines) start collapsed behind "Show more". */
const COLLAPSE_CHARS = 600;
const COLLAPSE_LINES = 8;

const EMPTY: NoteDraft = { title: "", body: "" };

/** The note forms have no per-field messages: the first field error names its field. */
function noteErrorText(error: unknown): string | null {
  const field = error instanceof AppError ? error.fieldErrors?.[0] : undefined;
  return field ? `${field.path}: ${field.message}` : errorText(error);
}

const count = (value: number) => value.toLocaleString();

/** Why these values cannot be saved, per field; never cut silently (maxLength would). */
function lengthErrors({ title, body }: NoteDraft): { title?: string; body?: string } {
  return {
    title: title.length > TITLE_MAX ? `The title is ${count(title.length)} characters long; the limit is ${count(TITLE_MAX)}. Shorten it to save.` : undefined,
    body: body.length > BODY_MAX ? `The text is ${count(body.length)} characters long; the limit is ${count(BODY_MAX)}. Nothing was cut: shorten it to save.` : undefined,
  };
}

function focusById(id: string): boolean {
  const element = document.getElementById(id);
  element?.focus();
  return element !== null;
}

export function NotesView({ userId, sessionId }: { userId: string; sessionId: string }) {
  const notes = useNotes();
  const deleteNote = useDeleteNote();
  const [announcement, setAnnouncement] = useState("");
  const [offered, setOffered] = useState<Partial<Record<DraftKey, NoteDraft>> | null>(null);
  const [restored, setRestored] = useState<{ version: number; drafts: Partial<Record<DraftKey, NoteDraft>> }>({ version: 0, drafts: {} });
  const listHeading = useRef<HTMLHeadingElement>(null);
  const pageHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    clearOtherUsersDrafts(userId);
    const drafts = readDrafts(userId);
    const stored = Object.values(drafts);
    if (stored.length === 0) return;
    // Typed in this session (the user went to Settings and back): simply put back, no question.
    // sessionStorage exists only in the browser: read after hydration so the server's HTML matches.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (stored.every((draft) => draft?.sessionId === sessionId)) setRestored((current) => ({ version: current.version + 1, drafts }));
    else setOffered(drafts);
  }, [userId, sessionId]);

  const announce = useCallback((message: string) => setAnnouncement(message), []);
  const items = notes.data?.pages.flatMap((page) => page.items) ?? [];

  function restoreDrafts() {
    if (!offered) return;
    const drafts = { ...offered };
    // A draft of a note deleted meanwhile comes back as a new note, if that form is free.
    for (const key of Object.keys(drafts) as DraftKey[]) {
      if (key !== "new" && !items.some((note) => `edit:${note.id}` === key)) {
        drafts.new ??= drafts[key];
        delete drafts[key];
      }
    }
    setRestored({ version: restored.version + 1, drafts });
    setOffered(null);
    const firstEdit = (Object.keys(drafts) as DraftKey[]).find((key) => key !== "new");
    requestAnimationFrame(() => focusById(firstEdit ? `title-${firstEdit.slice("edit:".length)}` : "new-note-title"));
  }

  function discardDrafts() {
    clearAllDrafts(userId);
    setOffered(null);
    requestAnimationFrame(() => pageHeading.current?.focus());
  }

  function onDelete(note: NoteDto) {
    const index = items.findIndex((item) => item.id === note.id);
    const next = items[index + 1] ?? items[index - 1];
    deleteNote.mutate(note.id, {
      onSuccess: () => announce(`Note “${note.title}” deleted.`),
      onError: () => requestAnimationFrame(() => focusById(`note-${note.id}`)),
    });
    // The note leaves the list at once (optimistically): focus moves to its neighbour or the list.
    requestAnimationFrame(() => {
      if (!next || !focusById(`note-${next.id}`)) listHeading.current?.focus();
    });
  }

  const draftCount = offered ? Object.keys(offered).length : 0;
  return (
    <>
      <h1 ref={pageHeading} tabIndex={-1}>Your notes</h1>
      <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">{announcement}</p>
      {offered ? (
        <div className="alert alert-info draft-offer" role="region" aria-label="Unsaved note">
          <p>
            {draftCount === 1
              ? "You have an unsaved note from before you were signed out."
              : `You have ${draftCount} unsaved notes from before you were signed out.`}
          </p>
          <div className="button-row">
            <button type="button" className="button button-primary" onClick={restoreDrafts}>Restore</button>
            <button type="button" className="button button-secondary" onClick={discardDrafts}>Discard</button>
          </div>
        </div>
      ) : null}
      <NewNoteForm key={`new-${restored.version}`} userId={userId} sessionId={sessionId} initial={restored.drafts.new} announce={announce} />

      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading" ref={listHeading} tabIndex={-1} className="visually-hidden">All notes</h2>
        <QueryStatus query={notes} what="notes" />
        {deleteNote.isError ? (
          <p className="alert alert-error" role="alert">The note could not be deleted. {errorText(deleteNote.error, "It was already deleted.")}</p>
        ) : null}
        {notes.isSuccess && items.length === 0 ? <p className="empty">No notes yet. Write your first one above.</p> : null}
        <ul className="notes-list" aria-label="Notes">
          {items.map((note) => (
            <NoteItem
              key={`${note.id}-${restored.version}`}
              note={note}
              userId={userId}
              sessionId={sessionId}
              initialDraft={restored.drafts[`edit:${note.id}`]}
              announce={announce}
              onDelete={() => onDelete(note)}
            />
          ))}
        </ul>
        {notes.hasNextPage ? (
          <p>
            <button type="button" className="button button-secondary" onClick={() => notes.fetchNextPage()} disabled={notes.isFetchingNextPage}>
              {notes.isFetchingNextPage ? "Loading…" : "Show older notes"}
            </button>
          </p>
        ) : null}
      </section>
    </>
  );
}

function NewNoteForm({ userId, sessionId, initial, announce }: { userId: string; sessionId: string; initial?: NoteDraft; announce: (message: string) => void }) {
  const createNote = useCreateNote();
  const [values, setValues] = useState<NoteDraft>(initial ? { title: initial.title, body: initial.body } : EMPTY);
  const titleRef = useRef<HTMLInputElement>(null);
  const draft = useDraftSaver(userId, sessionId, "new");

  function change(next: NoteDraft) {
    setValues(next);
    draft.save(next);
  }

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const errors = lengthErrors(values);
    if (errors.title || errors.body) {
      focusById(errors.title ? "new-note-title" : "new-note-body");
      return;
    }
    const submitted = values;
    // Cleared at once (the note already shows, optimistically), so the next one can be typed
    // while this one saves; put back only if it failed and nothing new was typed meanwhile.
    setValues(EMPTY);
    const saved = draft.keepUntilSaved(submitted);
    titleRef.current?.focus();
    createNote.mutate(submitted, {
      onSuccess: () => {
        saved();
        announce(`Note “${submitted.title}” added.`);
      },
      onError: () => setValues((now) => (now.title === "" && now.body === "" ? submitted : now)),
    });
  }

  return (
    <section className="card" aria-labelledby="new-note-heading">
      <h2 id="new-note-heading">New note</h2>
      <form className="stack" onSubmit={onCreate}>
        <NoteFields titleId="new-note-title" bodyId="new-note-body" values={values} onChange={change} titleRef={titleRef} />
        <p role="alert" aria-live="assertive" className={createNote.error ? "alert alert-error" : "visually-hidden"}>
          {noteErrorText(createNote.error)}
        </p>
        <div>
          <button type="submit" className="button button-primary" disabled={createNote.isPending}>
            {createNote.isPending ? "Saving…" : "Add note"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Title and text with the visible limits: a counter near the text's limit, and a message past either. */
function NoteFields({
  titleId,
  bodyId,
  values,
  onChange,
  titleRef,
  autoFocus,
}: {
  titleId: string;
  bodyId: string;
  values: NoteDraft;
  onChange: (values: NoteDraft) => void;
  titleRef?: RefObject<HTMLInputElement | null>;
  autoFocus?: boolean;
}) {
  // Past a limit the message shows at once, so a paste that went over says so.
  const { title: titleError, body: bodyError } = lengthErrors(values);
  const showCounter = values.body.length >= BODY_COUNTER_FROM;
  const bodyDescribedBy = [showCounter ? `${bodyId}-count` : null, bodyError ? `${bodyId}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={titleId}>Title</label>
        <input
          ref={titleRef}
          id={titleId}
          name="title"
          type="text"
          required
          autoFocus={autoFocus}
          value={values.title}
          onChange={(event) => onChange({ ...values, title: event.target.value })}
          aria-invalid={titleError ? true : undefined}
          aria-describedby={titleError ? `${titleId}-error` : undefined}
        />
        {titleError ? <p id={`${titleId}-error`} className="field-error" role="alert">{titleError}</p> : null}
      </div>
      <div className="field">
        <label htmlFor={bodyId}>Text</label>
        <textarea
          id={bodyId}
          name="body"
          value={values.body}
          onChange={(event) => onChange({ ...values, body: event.target.value })}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={bodyDescribedBy}
        />
        {showCounter ? (
          <p id={`${bodyId}-count`} className={bodyError ? "char-count char-count-over" : "char-count"}>
            {count(values.body.length)} / {count(BODY_MAX)}
          </p>
        ) : null}
        {bodyError ? <p id={`${bodyId}-error`} className="field-error" role="alert">{bodyError}</p> : null}
      </div>
    </>
  );
}

function NoteItem({
  note,
  userId,
  sessionId,
  initialDraft,
  announce,
  onDelete,
}: {
  note: NoteDto;
  userId: string;
  sessionId: string;
  initialDraft?: NoteDraft;
  announce: (message: string) => void;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState<NoteDraft | null>(initialDraft ? { title: initialDraft.title, body: initialDraft.body } : null);
  const { confirming: confirmingDeletion, askRef: askDeletionRef, confirmRef: confirmDeletionRef, ask: askDeletion, cancel: cancelDeletion } = useConfirmStep();
  const [expanded, setExpanded] = useState(false);
  const updateNote = useUpdateNote();
  const draft = useDraftSaver(userId, sessionId, `edit:${note.id}`);
  const editButton = useRef<HTMLButtonElement>(null);
  const saving = note.id.startsWith("optimistic-");
  const error = noteErrorText(updateNote.error);

  function change(next: NoteDraft) {
    setEditing(next);
    draft.save(next);
  }

  function stopEditing(focus: "note" | "edit") {
    setEditing(null);
    requestAnimationFrame(() => (focus === "note" ? focusById(`note-${note.id}`) : editButton.current?.focus()));
  }

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!editing) return;
    const errors = lengthErrors(editing);
    if (errors.title || errors.body) {
      focusById(errors.title ? `title-${note.id}` : `body-${note.id}`);
      return;
    }
    const saved = draft.keepUntilSaved(editing);
    updateNote.mutate(
      { id: note.id, changes: editing },
      {
        onSuccess: () => {
          saved();
          announce(`Note “${editing.title}” saved.`);
        },
      },
    );
    stopEditing("note");
  }

  function onEditorKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    cancelEditing();
  }

  function cancelEditing() {
    draft.clear();
    stopEditing("edit");
  }

  if (editing) {
    return (
      <li className="note" id={`note-${note.id}`} tabIndex={-1}>
        <form className="stack" onSubmit={onSave} onKeyDown={onEditorKeyDown} aria-label={`Edit ${note.title}`}>
          <NoteFields titleId={`title-${note.id}`} bodyId={`body-${note.id}`} values={editing} onChange={change} autoFocus />
          <div className="button-row">
            <button type="submit" className="button button-primary">Save</button>
            <button type="button" className="button button-secondary" onClick={cancelEditing}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }

  // Prisma stamps both with one clock reading on create: any difference is an edit.
  const edited = note.updatedAt !== note.createdAt;
  const collapsible = note.body.length > COLLAPSE_CHARS || note.body.split("\n").length > COLLAPSE_LINES;
  const bodyId = `note-body-${note.id}`;
  return (
    <li className="note" id={`note-${note.id}`} tabIndex={-1} aria-labelledby={`note-title-${note.id}`} aria-busy={saving || updateNote.isPending}>
      <h3 id={`note-title-${note.id}`}>{note.title}</h3>
      {note.body ? (
        <p id={bodyId} className={collapsible && !expanded ? "note-body note-body-collapsed" : "note-body"}>
          {note.body}
        </p>
      ) : null}
      {collapsible ? (
        <p className="note-more">
          <button type="button" className="button-link" aria-expanded={expanded} aria-controls={bodyId} onClick={() => setExpanded(!expanded)}>
            {expanded ? "Show less" : "Show more"}
          </button>
        </p>
      ) : null}
      <p className="note-meta">
        {saving ? "Saving…" : edited ? <>Updated <Time iso={note.updatedAt} /></> : <>Added <Time iso={note.createdAt} /></>}
      </p>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      {confirmingDeletion ? (
        <ConfirmRow label={`Delete ${note.title}?`} confirmText="Yes, delete" onConfirm={onDelete} onCancel={cancelDeletion} confirmRef={confirmDeletionRef}>
          Delete this note? This cannot be undone.
        </ConfirmRow>
      ) : (
        <div className="button-row">
          <button ref={editButton} type="button" className="button button-secondary" onClick={() => setEditing({ title: note.title, body: note.body })} disabled={saving} aria-label={`Edit ${note.title}`}>
            Edit
          </button>
          <button ref={askDeletionRef} type="button" className="button button-danger" onClick={askDeletion} disabled={saving} aria-label={`Delete ${note.title}`}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
