import { getBff } from "@/lib/wiring";

const handle = (request: Request) => getBff().handleApiProxy(request);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
