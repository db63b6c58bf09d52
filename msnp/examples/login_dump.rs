//! Logging in and dumping the contact list, against the embedded server on loopback (`msnp demo` does the same).

use std::net::{IpAddr, Ipv4Addr};

use msnp::client::{Client, ClientConfig};
use msnp::server::{Server, ServerConfig};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The embedded server with its demo accounts, on ports the system chooses.
    let server = Server::start(ServerConfig::default(), IpAddr::V4(Ipv4Addr::LOCALHOST), 0).await?;
    let msnp8 = msnp::SPEC.version("MSNP8").ok_or("MSNP8 is in the spec")?;
    let password = ServerConfig::default().accounts.get("alice@example.com").ok_or("a demo account")?.password.clone();

    let mut config = ClientConfig::new(msnp8, &server.dispatch.to_string(), "alice@example.com", &password);
    config.nexus = server.nexus_url();
    let mut client = Client::login(&config).await?;
    let list = client.synchronise().await?;
    client.sign_out().await?;

    println!("{} ({})", list.account.handle, list.account.friendly_name);
    for contact in &list.contacts {
        println!("  {} {:?}", contact.handle, contact.lists);
    }
    assert!(!list.contacts.is_empty());
    Ok(())
}
