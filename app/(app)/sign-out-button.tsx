"use client";
import { useState } from "react";
import { bffFetch } from "@/lib/client/bff-fetch";
import { announce, beginSignOut } from "@/lib/client/session-events";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    beginSignOut();
    try {
      await bffFetch("/bff/logout", { method: "POST", allowUnauthenticated: true });
    } finally {
      announce("signed-out");
      // A full navigation drops every cached query along with the page.
      window.location.assign("/login?notice=signed-out");
    }
  }
  return (
    <button type="button" className="button button-secondary" onClick={signOut} disabled={pending} aria-disabled={pending}>
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
