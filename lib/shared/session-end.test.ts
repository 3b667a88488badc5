import { describe, expect, it } from "vitest";
import { parseSessionEndReason, SESSION_END_NOTICES, SESSION_END_REASONS, sessionEndReasonForRevocation, withNotice } from "./session-end";

describe("session-end reasons", () => {
  it("accepts only the fixed codes, so a link cannot put its own text on the sign-in page", () => {
    for (const reason of SESSION_END_REASONS) expect(parseSessionEndReason(reason)).toBe(reason);
    for (const value of ["<script>", "Expired", "", "expired ", undefined, 3, ["idle"]]) expect(parseSessionEndReason(value)).toBeNull();
  });

  it("maps every revocation reason of the token service to its own notice, and anything else to the plain one", () => {
    expect(sessionEndReasonForRevocation("sign_out")).toBe("signed-out");
    expect(sessionEndReasonForRevocation("revoked_by_user")).toBe("signed-out-elsewhere");
    expect(sessionEndReasonForRevocation("password_changed")).toBe("password-changed");
    expect(sessionEndReasonForRevocation("refresh_reuse")).toBe("security");
    expect(sessionEndReasonForRevocation("account_disabled")).toBe("account-disabled");
    expect(sessionEndReasonForRevocation(null)).toBe("expired");
    expect(sessionEndReasonForRevocation("something_new")).toBe("expired");
  });

  it("warns for every reason but the user's own acts (signing out, deleting the account)", () => {
    const info = SESSION_END_REASONS.filter((reason) => SESSION_END_NOTICES[reason].tone === "info");
    expect(info).toEqual(["signed-out", "account-deleted"]);
  });

  it("adds the notice to a login path only when there is a reason", () => {
    expect(withNotice("/login?returnTo=%2Fnotes", "idle")).toBe("/login?returnTo=%2Fnotes&notice=idle");
    expect(withNotice("/login?returnTo=%2Fnotes", null)).toBe("/login?returnTo=%2Fnotes");
  });
});
