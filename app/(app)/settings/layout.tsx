import { NavLink } from "./nav-link";

const SECTIONS = [
  { href: "/settings/profile", label: "Profile" },
  { href: "/settings/sessions", label: "Sessions" },
  { href: "/settings/tokens", label: "Tokens" },
  { href: "/settings/password", label: "Password" },
  { href: "/settings/activity", label: "Activity" },
];

// Each settings page checks the session itself (requireSession); this only frames them.
export default function SettingsLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="settings">
      <p className="settings-title">Settings</p>
      <nav className="settings-nav" aria-label="Settings">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.href}>
              <NavLink href={section.href}>{section.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </div>
  );
}
