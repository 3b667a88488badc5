"use client";
/**
 * The one rule for destructive actions: a button that asks, then "Yes, …" and Cancel. Asking moves
 * focus to the confirming button; cancelling puts it back on the button that asked.
 */
import { useEffect, useRef, useState } from "react";

export function useConfirmStep() {
  const [confirming, setConfirming] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  return {
    confirming,
    askRef,
    confirmRef,
    ask: () => setConfirming(true),
    cancel: () => {
      setConfirming(false);
      requestAnimationFrame(() => askRef.current?.focus());
    },
    /** Closes the step without moving focus (the caller decides where it goes). */
    close: () => setConfirming(false),
  };
}
