import type { ReactNode, Ref } from "react";

/**
 * The second step of a destructive action: what will happen, then "Yes, …" and Cancel, both
 * disabled while it runs. The caller moves the focus to `confirmRef` when it appears.
 */
export function ConfirmRow({ label, children, confirmText, pendingText, pending = false, onConfirm, onCancel, confirmRef }: {
  /** The group's accessible name, a question: "Revoke CI token?". */
  label: string;
  children: ReactNode;
  confirmText: string;
  /** Shown on the confirm button while the action runs. */
  pendingText?: string;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  confirmRef?: Ref<HTMLButtonElement>;
}) {
  return (
    <div className="confirm-row" role="group" aria-label={label}>
      <p className="small">{children}</p>
      <div className="button-row">
        <button ref={confirmRef} type="button" className="button button-danger" onClick={onConfirm} disabled={pending}>
          {pending && pendingText ? pendingText : confirmText}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
