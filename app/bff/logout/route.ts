import { handleLogout } from "@/lib/bff";

export const POST = handleLogout;
