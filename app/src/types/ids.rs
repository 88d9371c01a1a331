//! Ids as types: a trip id cannot be passed where a parcel id is expected. Each is a UUID on the
//! wire, in forms and in the database.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map($name)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                $name(u)
            }
        }

        #[cfg(feature = "ssr")]
        const _: () = {
            use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
            use sqlx::{encode::IsNull, error::BoxDynError, Decode, Encode, Postgres, Type};

            impl Type<Postgres> for $name {
                fn type_info() -> PgTypeInfo {
                    <Uuid as Type<Postgres>>::type_info()
                }
                fn compatible(ty: &PgTypeInfo) -> bool {
                    <Uuid as Type<Postgres>>::compatible(ty)
                }
            }
            impl PgHasArrayType for $name {
                fn array_type_info() -> PgTypeInfo {
                    <Uuid as PgHasArrayType>::array_type_info()
                }
            }
            impl<'r> Decode<'r, Postgres> for $name {
                fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                    <Uuid as Decode<Postgres>>::decode(value).map($name)
                }
            }
            impl<'q> Encode<'q, Postgres> for $name {
                fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                    <Uuid as Encode<Postgres>>::encode_by_ref(&self.0, buf)
                }
            }
        };
    };
}

id_type!(
    /// A member's account.
    UserId
);
id_type!(TripId);
id_type!(ParcelId);
id_type!(BookingId);
