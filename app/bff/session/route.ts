import { getBff } from "@/lib/wiring";

export const GET = (request: Request) => getBff().handleSession(request);
