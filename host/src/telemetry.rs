//! Optional OpenTelemetry export of the server's spans (OTLP over HTTP),
//! off unless `hookwarden serve --otlp-endpoint` names a collector.
//!
//! What is exported is what the log shows: the `hook_call` span of every
//! hook call (attributes `hook` and `event_id`) with the plugin's log lines
//! and the call's outcome line as span events. Hook secrets, settings and
//! request or response bodies are never span fields, so they never leave.
//! Spans go out in batches from a background thread, so a slow or absent
//! collector never delays a hook call; spans that cannot be sent are
//! dropped (the batch queue is bounded, 2048 spans by default).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::Duration;
use tracing_subscriber::registry::LookupSpan;

/// The path an OTLP/HTTP collector receives traces on, appended to the
/// configured endpoint.
pub(crate) const TRACES_PATH: &str = "/v1/traces";

/// How long one export request may take before it is abandoned.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the exporter could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The endpoint is not an `http://` URL.
    #[error(
        "--otlp-endpoint must be an http:// URL (a local collector or agent; HTTPS is not supported): {0}"
    )]
    Endpoint(String),
    /// The OpenTelemetry SDK refused the configuration.
    #[error("setting up the OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// A running span exporter; [`Telemetry::shutdown`] sends what is pending.
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Telemetry {
    /// Starts exporting to the OTLP/HTTP receiver at `endpoint` (its base
    /// URL, like `http://127.0.0.1:4318`; [`TRACES_PATH`] is appended), as
    /// service `hookwarden` (the standard `OTEL_SERVICE_NAME` overrides it).
    /// The batch size and delay follow the standard `OTEL_BSP_*`
    /// environment variables (defaults: 512 spans, 5 s).
    ///
    /// # Errors
    ///
    /// [`TelemetryError::Endpoint`] unless `endpoint` is an `http://` URL;
    /// [`TelemetryError::Exporter`] if the SDK refuses it.
    pub fn start(endpoint: &str) -> Result<Self, TelemetryError> {
        let base = endpoint.trim_end_matches('/');
        if !base.starts_with("http://") || base.len() <= "http://".len() {
            return Err(TelemetryError::Endpoint(endpoint.to_owned()));
        }
        let exporter = SpanExporter::builder()
            .with_http()
            .with_endpoint(format!("{base}{TRACES_PATH}"))
            .with_timeout(EXPORT_TIMEOUT)
            .build()?;
        let service = std::env::var("OTEL_SERVICE_NAME")
            .ok()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "hookwarden".to_owned());
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name(service).build())
            .build();
        Ok(Self { provider })
    }

    /// The `tracing` layer that turns spans into OpenTelemetry spans.
    pub(crate) fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("hookwarden"))
    }

    /// Sends the spans still queued and stops the exporter (blocking, at
    /// most a few seconds when the collector is unreachable).
    pub fn shutdown(self) {
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!(error = %e, "could not send the last spans to the OTLP collector");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_endpoints_are_accepted() {
        for bad in [
            "https://collector.example.com:4318",
            "http://",
            "127.0.0.1:4318",
            "",
        ] {
            assert!(
                matches!(Telemetry::start(bad), Err(TelemetryError::Endpoint(_))),
                "{bad:?} was accepted"
            );
        }
        let telemetry = Telemetry::start("http://127.0.0.1:4318/").expect("a valid endpoint");
        // Nothing was recorded, so nothing is sent: shutting down is quick.
        telemetry.shutdown();
    }
}
