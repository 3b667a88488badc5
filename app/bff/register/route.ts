import { handleRegister } from "@/lib/bff";

export const POST = handleRegister;
