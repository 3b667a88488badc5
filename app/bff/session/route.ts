import { handleSession } from "@/lib/bff";

export const GET = handleSession;
