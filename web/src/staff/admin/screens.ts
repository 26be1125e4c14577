// The admin, stays and operator screens, loaded as one chunk when first opened.
export { Audit } from "./Audit";
export { Export } from "../export/Export";
export { Departments } from "./Departments";
export { Experiences } from "./Experiences";
export { Members } from "./Members";
export { Operator } from "./Operator";
export { QrCodes, QrSheet } from "./QrCodes";
export { Settings } from "./Settings";
export { Stays } from "./Stays";
