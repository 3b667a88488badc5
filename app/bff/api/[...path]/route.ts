import { handleApiProxy } from "@/lib/bff";

export { handleApiProxy as GET, handleApiProxy as POST, handleApiProxy as PUT, handleApiProxy as PATCH, handleApiProxy as DELETE };
