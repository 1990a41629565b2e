/** Stylesheets are imported for their side effect; Vite bundles them into one hashed .css file. */
declare module "*.css";
