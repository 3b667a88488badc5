"use client";
import { useRef, useState, type FormEvent } from "react";
import { useCreateNote, useDeleteNote, useNotes, useUpdateNote } from "@/lib/client/hooks/use-notes";
import { AppError } from "@/lib/shared/errors";
import type { NoteDto } from "@/lib/shared/schemas";
import { errorText } from "../errors";
import { QueryStatus } from "../query-status";

const TITLE_MAX = 200;
const BODY_MAX = 10_000;

/** The note forms have no per-field messages: the first field error names its field. */
function noteErrorText(error: unknown): string | null {
  const field = error instanceof AppError ? error.fieldErrors?.[0] : undefined;
  return field ? `${field.path}: ${field.message}` : errorText(error);
}

function formValues(form: HTMLFormElement) {
  const data = new FormData(form);
  return { title: String(data.get("title") ?? ""), body: String(data.get("body") ?? "") };
}

export function NotesView() {
  const notes = useNotes();
  const createNote = useCreateNote();
  const titleRef = useRef<HTMLInputElement>(null);

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = formValues(form);
    // Cleared at once (the note already shows, optimistically), so the next one can be typed
    // while this one saves; put back only if it failed and nothing new was typed meanwhile.
    form.reset();
    titleRef.current?.focus();
    createNote.mutate(values, {
      onError: () => {
        const now = formValues(form);
        if (now.title === "" && now.body === "") {
          (form.elements.namedItem("title") as HTMLInputElement).value = values.title;
          (form.elements.namedItem("body") as HTMLTextAreaElement).value = values.body;
        }
      },
    });
  }

  const items = notes.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <h1>Your notes</h1>
      <section className="card" aria-labelledby="new-note-heading">
        <h2 id="new-note-heading">New note</h2>
        <form className="stack" onSubmit={onCreate}>
          <div className="field">
            <label htmlFor="new-note-title">Title</label>
            <input ref={titleRef} id="new-note-title" name="title" type="text" required maxLength={TITLE_MAX} />
          </div>
          <div className="field">
            <label htmlFor="new-note-body">Text</label>
            <textarea id="new-note-body" name="body" maxLength={BODY_MAX} />
          </div>
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

      <section aria-labelledby="notes-heading">
        <h2 id="notes-heading" className="visually-hidden">All notes</h2>
        <QueryStatus query={notes} what="notes" />
        {notes.isSuccess && items.length === 0 ? <p className="empty">No notes yet. Write your first one above.</p> : null}
        <ul className="notes-list" aria-label="Notes">
          {items.map((note) => (
            <NoteItem key={note.id} note={note} />
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

function NoteItem({ note }: { note: NoteDto }) {
  const [editing, setEditing] = useState(false);
  const updateNote = useUpdateNote();
  const deleteNote = useDeleteNote();
  const saving = note.id.startsWith("optimistic-");
  const error = noteErrorText(updateNote.error ?? deleteNote.error);

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    updateNote.mutate({ id: note.id, changes: formValues(event.currentTarget) });
    setEditing(false);
  }

  if (editing) {
    return (
      <li className="note">
        <form className="stack" onSubmit={onSave} aria-label={`Edit ${note.title}`}>
          <div className="field">
            <label htmlFor={`title-${note.id}`}>Title</label>
            <input id={`title-${note.id}`} name="title" type="text" required maxLength={TITLE_MAX} defaultValue={note.title} autoFocus />
          </div>
          <div className="field">
            <label htmlFor={`body-${note.id}`}>Text</label>
            <textarea id={`body-${note.id}`} name="body" maxLength={BODY_MAX} defaultValue={note.body} />
          </div>
          <div className="button-row">
            <button type="submit" className="button button-primary">Save</button>
            <button type="button" className="button button-secondary" onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className="note" aria-busy={saving || updateNote.isPending || deleteNote.isPending}>
      <h3>{note.title}</h3>
      {note.body ? <p>{note.body}</p> : null}
      <p className="note-meta">
        {saving ? "Saving…" : `Updated ${new Date(note.updatedAt).toLocaleString()}`}
      </p>
      {error ? <p className="field-error" role="alert">{error}</p> : null}
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={() => setEditing(true)} disabled={saving} aria-label={`Edit ${note.title}`}>
          Edit
        </button>
        <button type="button" className="button button-danger" onClick={() => deleteNote.mutate(note.id)} disabled={saving} aria-label={`Delete ${note.title}`}>
          Delete
        </button>
      </div>
    </li>
  );
}
