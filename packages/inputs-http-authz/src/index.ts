/**
 * @policy-engine/inputs-http-authz — typed input document for Gate API authorization
 * (`spinnaker.http.authz`): every API request, POST /pipelines and POST /tasks bodies.
 * @packageDocumentation
 */
export { ApplicationPermissions, ApplicationSpec, HttpTaskJob } from './job.js';
export {
  HTTP_AUTHZ,
  HttpAuthzBody,
  HttpAuthzInput,
  HttpRequestBody,
  buildHttpAuthzInput,
  buildHttpAuthzPipelineInput,
  buildHttpAuthzTaskInput,
} from './http-authz-input.js';
