import "server-only";
export { API_BASE_PATH, getApiApp, type ApiApp } from "./app";
