//! Loopback ports: free ones picked by the kernel, and whether one is taken.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A TCP port on 127.0.0.1 that nothing listens on right now: the kernel picks it when we
/// bind port 0. There is a short race until the server we start binds it, as with any
/// port handed to another process.
pub fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// True if something accepts connections on 127.0.0.1:`port`.
pub fn in_use(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_port_can_be_bound_on_loopback() {
        let port = free_port().unwrap();
        assert_ne!(port, 0);
        assert!(!in_use(port));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
        assert_eq!(listener.local_addr().unwrap().port(), port);
    }

    #[test]
    fn a_port_with_a_listener_is_in_use() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(in_use(port));
        drop(listener);
        assert!(!in_use(port));
    }
}
