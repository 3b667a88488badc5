"use client";
/** A link that marks itself aria-current="page" on its own page (and, with `section`, below it). */
import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, section = false, className, children }: { href: string; section?: boolean; className?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = pathname === href || (section && pathname.startsWith(`${href}/`));
  return (
    <Link href={href} className={className} aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  );
}
