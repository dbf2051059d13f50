use ferrotype_service::config::Env;
use lambda_http::{run, service_fn, Error, Request};
use page::settings::Settings;
use page::App;

#[tokio::main]
async fn main() -> Result<(), Error> {
    ferrotype_service::logging::init(&Env::process())?;
    let app = App::new(Settings::from_env(&Env::process())?);
    let app = &app;
    run(service_fn(move |request: Request| async move {
        Ok::<_, Error>(app.handle(&request))
    }))
    .await
}
