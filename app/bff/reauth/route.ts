import { handleReauth } from "@/lib/bff";

export const POST = handleReauth;
