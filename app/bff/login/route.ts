import { handleLogin } from "@/lib/bff";

export const POST = handleLogin;
