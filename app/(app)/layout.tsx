import { getBff } from "@/lib/wiring";
import { Brand } from "../components/brand";
import { IdleWatcher } from "./idle-watcher";
import { Providers } from "./providers";
import { ReauthDialog } from "./reauth-dialog";
import { NavLink } from "./settings/nav-link";
import { SignOutButton } from "./sign-out-button";

// Every page below checks the session itself (requireSession); the layout only shows who is in.
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await getBff().getCurrentSession();
  return (
    <Providers>
      <header className="site-header">
        <Brand href="/notes" />
        {session ? (
          <nav className="main-nav" aria-label="Main">
            <NavLink href="/notes" section>Notes</NavLink>
            <NavLink href="/settings" section>Settings</NavLink>
          </nav>
        ) : null}
        {session ? (
          <nav className="site-nav" aria-label="Account">
            <span className="user-name" title={`${session.user.name} (${session.user.email})`}>{session.user.name}</span>
            <SignOutButton />
          </nav>
        ) : null}
      </header>
      <main className="page">{children}</main>
      {session ? <IdleWatcher /> : null}
      {session ? <ReauthDialog /> : null}
    </Providers>
  );
}
