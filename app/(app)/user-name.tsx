"use client";
import { useDisplayName } from "@/lib/client/hooks/use-profile";

/** The signed-in user's name in the header; follows a rename made on the profile page at once. */
export function UserName({ sessionName, email }: { sessionName: string; email: string }) {
  const name = useDisplayName(sessionName);
  return (
    <span className="user-name" title={`${name} (${email})`}>
      {name}
    </span>
  );
}
