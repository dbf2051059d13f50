use ferrotype_service::config::Env;
use lambda_http::{run, service_fn, tracing, Error, Request};
use page::settings::Settings;
use page::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let app = App::new(Settings::from_env(&Env::process())?);
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(app.handle(&request))
    }))
    .await
}
