import Link from "next/link";

export function Brand({ href = "/" }: { href?: string }) {
  return (
    <Link href={href} className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
        <circle cx="16" cy="16" r="15" fill="currentColor" />
        <circle cx="16" cy="12" r="4.5" fill="#fff" />
        <path d="M13.5 14h5l1.5 10h-8z" fill="#fff" />
      </svg>
      Keyhole
    </Link>
  );
}
