import { getApiApp } from "@/lib/api";

const handle = (request: Request) => getApiApp().fetch(request);

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
