"use client";
/** The logo: a link home (`/`, or the notes when signed in), except on the page it would link to. */
import Link from "next/link";
import { usePathname } from "next/navigation";

function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <circle cx="16" cy="16" r="15" fill="currentColor" />
      <circle cx="16" cy="12" r="4.5" fill="#fff" />
      <path d="M13.5 14h5l1.5 10h-8z" fill="#fff" />
    </svg>
  );
}

export function Brand({ href = "/" }: { href?: string }) {
  const pathname = usePathname();
  if (pathname === href) {
    return (
      <span className="brand">
        <BrandMark />
        Keyhole
      </span>
    );
  }
  return (
    <Link href={href} className="brand">
      <BrandMark />
      Keyhole
    </Link>
  );
}
