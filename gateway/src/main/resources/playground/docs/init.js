// Swagger UI (from the gateway's webjar, offline) rendering this gateway's /openapi.yaml.
window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#swagger-ui', deepLinking: true });
