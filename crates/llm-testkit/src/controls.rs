//! The test controls both emulators share (faults, recorded requests, address), written once.

/// Implements the shared control methods on an emulator type that has a `server: Server`
/// field and an async `start()` constructor (used by the generated doc examples).
macro_rules! impl_controls {
    ($emulator:ident) => {
        impl $emulator {
            #[doc = concat!(
                "The socket address the server listens on (127.0.0.1, random port).\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "assert!(server.addr().ip().is_loopback());\n# }\n```"
            )]
            pub fn addr(&self) -> std::net::SocketAddr {
                self.server.addr()
            }

            #[doc = concat!(
                "Arms a [`Fault`](crate::Fault) for the next matching request(s); faults fire ",
                "in the order they were armed.\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "use std::time::Duration;\nuse llm_testkit::Fault;\n\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "server.fail_next(Fault::status(503).retry_after(Duration::from_secs(1)).times(2));\n",
                "assert_eq!(server.pending_faults(), 1);\n# }\n```"
            )]
            pub fn fail_next(&self, fault: crate::Fault) {
                self.server.shared().faults.push(fault);
            }

            #[doc = concat!(
                "Number of armed faults that have not fired their last time yet.\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "assert_eq!(server.pending_faults(), 0);\n# }\n```"
            )]
            pub fn pending_faults(&self) -> usize {
                self.server.shared().faults.pending()
            }

            #[doc = concat!(
                "Disarms every pending fault.\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "server.fail_next(llm_testkit::Fault::status(500).always());\n",
                "server.clear_faults();\nassert_eq!(server.pending_faults(), 0);\n# }\n```"
            )]
            pub fn clear_faults(&self) {
                self.server.shared().faults.clear();
            }

            #[doc = concat!(
                "Every request received so far, oldest first (including rejected and faulted ",
                "ones).\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "assert!(server.requests().is_empty());\n# }\n```"
            )]
            pub fn requests(&self) -> Vec<crate::RecordedRequest> {
                self.server.shared().recorder.snapshot()
            }

            #[doc = concat!(
                "The most recent request, if any.\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "assert!(server.last_request().is_none());\n# }\n```"
            )]
            pub fn last_request(&self) -> Option<crate::RecordedRequest> {
                self.server.shared().recorder.snapshot().pop()
            }

            #[doc = concat!(
                "How many requests were received so far.\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "assert_eq!(server.received_count(), 0);\n# }\n```"
            )]
            pub fn received_count(&self) -> usize {
                self.server.shared().recorder.len()
            }

            #[doc = concat!(
                "Forgets the recorded requests (the count restarts at zero).\n\n",
                "```\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() {\n",
                "let server = llm_testkit::", stringify!($emulator), "::start().await;\n",
                "server.clear_requests();\nassert_eq!(server.received_count(), 0);\n# }\n```"
            )]
            pub fn clear_requests(&self) {
                self.server.shared().recorder.clear();
            }
        }
    };
}
