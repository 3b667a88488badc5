import { getBff } from "@/lib/wiring";

export const POST = (request: Request) => getBff().handleLogout(request);
