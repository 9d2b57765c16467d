// Start the NHS.UK components' scripts; every page works without them.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
