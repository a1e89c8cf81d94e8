//! Request guards that carry the right they prove, built like
//! [`crate::web::CsrfForm`]: a route that needs a right takes the guard,
//! so the handler cannot be written without the check.
//!
//! Each guard reads the id from the route's `<id>` segment, loads what the
//! right is about, and answers 401 (not signed in: the catcher sends the
//! browser to the login page), 404 (unknown id) or 403 (no right) before the
//! handler runs. The answer is cached for the request.
//!
//! | guard | right | follows |
//! | --- | --- | --- |
//! | [`Officer<BallotId>`] | returning officer of the ballot's group or above | group tree |
//! | [`ReturningOfficer`] | returning officer of some group (set-up; the group is checked when chosen) | – |
//! | [`SurveyOwner<SurveyId>`] | owner, admin, or board of the survey's group or above | group tree |
//! | [`Treasurer<MemberId>`] | treasurer of the member's chapter or above | [`Tree::Chapters`] |
//! | [`ChairOf<MemberId>`] | admin, or board of a group the member belongs to or above | [`Tree::ChaptersAndGroups`] |
//! | [`Trustee`] | holder of a trustee's secret link (`<token>`; no session needed) | – |
//!
//! Adding a right: write the check as a plain function in its feature's
//! domain module, add a guard here that calls it through [`prove`], and
//! add the guarded routes to `tests/app/routes.rs`.
//!
//! Where the form, not the route, names what the right is about, no guard
//! can check it; the domain function that writes takes a proof value made
//! only here (private field), so the write cannot be compiled without the
//! check:
//!
//! | proof | made by | taken by |
//! | --- | --- | --- |
//! | [`OfficerOf`] | [`officer_of`] | `ballots::setup::create` |
//! | [`SurveyCreatorOf`] | [`survey_creator_of`] | `surveys::store::create` |
//! | [`BoardOf`] | [`board_of`] (403) | `surveys::set_policy` |
//! | [`SurveySender`] | [`survey_sender`] | `surveys::invite::{send_invitations, issue_letters}` |

use diesel::dsl::exists;
use diesel::prelude::*;
use rocket::http::Status;
use rocket::request::{FromParam, FromRequest, Outcome, Request};

use crate::app::App;
use crate::auth::{CurrentUser, Scope};
use crate::ballots::lifecycle::BallotStatus;
use crate::db::models::{GroupKind, Member};
use crate::db::schema::{ballots, group_tree, groups, member_scopes, members};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::surveys::Survey;

/// An id as it appears in a route's `<id>` segment.
pub trait RouteId: Sized + Clone + Send + Sync + 'static {
    fn from_segment(segment: &str) -> Option<Self>;
}

/// A ballot's id (random hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotId(pub String);

/// A survey's id (random hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyId(pub String);

/// A member's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberId(pub i64);

impl RouteId for BallotId {
    fn from_segment(segment: &str) -> Option<Self> {
        (!segment.is_empty()).then(|| BallotId(segment.to_owned()))
    }
}

impl RouteId for SurveyId {
    fn from_segment(segment: &str) -> Option<Self> {
        (!segment.is_empty()).then(|| SurveyId(segment.to_owned()))
    }
}

impl RouteId for MemberId {
    fn from_segment(segment: &str) -> Option<Self> {
        segment.parse().ok().map(MemberId)
    }
}

impl<'a> FromParam<'a> for BallotId {
    type Error = &'a str;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        BallotId::from_segment(param).ok_or(param)
    }
}

impl<'a> FromParam<'a> for SurveyId {
    type Error = &'a str;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        SurveyId::from_segment(param).ok_or(param)
    }
}

impl<'a> FromParam<'a> for MemberId {
    type Error = &'a str;
    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        MemberId::from_segment(param).ok_or(param)
    }
}

impl std::fmt::Display for BallotId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for SurveyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which part of the group tree a right follows from the group where the
/// office is held down to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    /// Chapters only: the member's home chapter and the chapters above it.
    /// An office in a working group gives no right over its members.
    /// Bank details follow this tree.
    Chapters,
    /// Chapters and working groups: the member's home chapter, the working
    /// groups they belong to, and everything above those. Reading member
    /// data as a board member follows this tree.
    ChaptersAndGroups,
}

impl Tree {
    /// Whether `member` lies under one of `scope`'s groups in this tree.
    pub fn holds(self, conn: &mut DbConn, scope: &Scope, member: i64) -> AppResult<bool> {
        let roots = match scope {
            Scope::All => {
                return Ok(members::table
                    .find(member)
                    .count()
                    .get_result::<i64>(conn)?
                    > 0)
            }
            Scope::Groups(roots) if roots.is_empty() => return Ok(false),
            Scope::Groups(roots) => roots.clone(),
        };
        match self {
            Tree::Chapters => {
                // Offices in working groups do not count, and the path runs
                // from the member's home chapter up, never through a
                // working group the member joined.
                let chapter_roots: Vec<i64> = groups::table
                    .filter(groups::id.eq_any(&roots))
                    .filter(groups::kind.ne(GroupKind::WorkingGroup))
                    .select(groups::id)
                    .load(conn)?;
                if chapter_roots.is_empty() {
                    return Ok(false);
                }
                Ok(diesel::select(exists(
                    members::table
                        .inner_join(
                            group_tree::table.on(group_tree::group_id.eq(members::chapter_id)),
                        )
                        .filter(members::id.eq(member))
                        .filter(group_tree::ancestor_id.eq_any(chapter_roots)),
                ))
                .get_result(conn)?)
            }
            Tree::ChaptersAndGroups => Ok(diesel::select(exists(
                member_scopes::table
                    .filter(member_scopes::member_id.eq(member))
                    .filter(member_scopes::group_id.eq_any(roots)),
            ))
            .get_result(conn)?),
        }
    }
}

/// The value of the route's `<id>` segment, parsed.
fn route_id<T: RouteId>(req: &Request<'_>) -> Option<T> {
    let route = req.route()?;
    let position = route
        .uri
        .unmounted_origin
        .path()
        .segments()
        .position(|segment| segment == "<id>")?;
    T::from_segment(req.routed_segment(position)?)
}

/// A guard's answer, cached per request and guard type.
struct Cached<G>(Result<G, Status>);

fn refusal(status: Status) -> AppError {
    match status.code {
        401 => AppError::Unauthorized,
        403 => AppError::Forbidden,
        404 => AppError::NotFound,
        _ => AppError::Internal(format!("guard answered {status}")),
    }
}

/// Runs `check` for the signed-in user and the route's id once per request
/// and turns its answer into the guard's outcome: no session is 401, an
/// id that does not parse is 404, and the check's own errors keep their
/// status (`NotFound`, `Forbidden`, …).
pub async fn prove<Id, G, F>(req: &Request<'_>, check: F) -> Outcome<G, AppError>
where
    Id: RouteId,
    G: Clone + Send + Sync + 'static,
    F: FnOnce(&mut DbConn, CurrentUser, Id) -> AppResult<G> + Send + 'static,
{
    let cached = req
        .local_cache_async(async {
            let Some(user) = CurrentUser::load(req).await.cloned() else {
                return Cached(Err(Status::Unauthorized));
            };
            let Some(id) = route_id::<Id>(req) else {
                return Cached(Err(Status::NotFound));
            };
            let Some(app) = req.rocket().state::<App>() else {
                return Cached(Err(Status::InternalServerError));
            };
            match app.db.run(move |conn| check(conn, user, id)).await {
                Ok(granted) => Cached(Ok(granted)),
                Err(e) => {
                    let status = e.status();
                    if status.code >= 500 {
                        log::error!("{} {}: {e}", req.method(), req.uri().path());
                    }
                    Cached(Err(status))
                }
            }
        })
        .await;
    match &cached.0 {
        Ok(granted) => Outcome::Success(granted.clone()),
        Err(status) => Outcome::Error((*status, refusal(*status))),
    }
}

/// A returning officer for what `Id` names.
#[derive(Debug, Clone)]
pub struct Officer<Id> {
    pub user: CurrentUser,
    pub id: Id,
    /// The ballot's group.
    pub group_id: i64,
    /// The ballot's status when the request came in; acts check it again
    /// under the box lock.
    pub status: BallotStatus,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Officer<BallotId> {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        prove(req, |conn, user, id: BallotId| {
            let (group_id, status): (i64, BallotStatus) = ballots::table
                .find(&id.0)
                .select((ballots::group_id, ballots::status))
                .first(conn)?;
            if !crate::ballots::officer::is_officer_for(conn, &user, group_id)? {
                return Err(AppError::Forbidden);
            }
            Ok(Officer {
                user,
                id,
                group_id,
                status,
            })
        })
        .await
    }
}

/// A returning officer of some group, for setting up a ballot: the group
/// of the new ballot is checked when the form names it.
#[derive(Debug, Clone)]
pub struct ReturningOfficer(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ReturningOfficer {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match CurrentUser::load(req).await {
            Some(user) if !user.officer_groups.is_empty() => {
                Outcome::Success(ReturningOfficer(user.clone()))
            }
            Some(_) => Outcome::Error((Status::Forbidden, AppError::Forbidden)),
            None => Outcome::Error((Status::Unauthorized, AppError::Unauthorized)),
        }
    }
}

/// Someone who may manage a survey: its owner, an admin, or a board
/// member whose scope holds the survey's group.
#[derive(Debug, Clone)]
pub struct SurveyOwner<Id> {
    pub user: CurrentUser,
    pub id: Id,
    pub survey: Survey,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SurveyOwner<SurveyId> {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        prove(req, |conn, user, id: SurveyId| {
            let survey = crate::surveys::load(conn, &id.0)?;
            if !crate::surveys::is_owner(conn, &user, &survey)? {
                return Err(AppError::Forbidden);
            }
            Ok(SurveyOwner { user, id, survey })
        })
        .await
    }
}

/// A treasurer today of the member's home chapter or a chapter above it,
/// who may reveal the member's bank details. Follows [`Tree::Chapters`]:
/// an office in a working group gives no such right, and an admin has it
/// only by holding the office.
#[derive(Debug, Clone)]
pub struct Treasurer<Id> {
    pub user: CurrentUser,
    pub id: Id,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Treasurer<MemberId> {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        prove(req, |conn, user, id: MemberId| {
            if !crate::bank::may_reveal(conn, &user, id.0)? {
                return Err(AppError::Forbidden);
            }
            Ok(Treasurer { user, id })
        })
        .await
    }
}

/// Someone who may read a member's record: an admin, or a board member
/// today of a group the member belongs to (home chapter or working group)
/// or above it ([`Tree::ChaptersAndGroups`]). Board members of other
/// groups get 404, as if the member did not exist.
#[derive(Debug, Clone)]
pub struct ChairOf<Id> {
    pub user: CurrentUser,
    pub id: Id,
    pub member: Member,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ChairOf<MemberId> {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        prove(req, |conn, user, id: MemberId| {
            if !user.is_admin && user.board_groups.is_empty() {
                return Err(AppError::Forbidden);
            }
            let scope = user.scope();
            if !Tree::ChaptersAndGroups.holds(conn, &scope, id.0)? {
                return Err(AppError::NotFound);
            }
            let member = members::table
                .find(id.0)
                .select(Member::as_select())
                .first(conn)?;
            Ok(ChairOf { user, id, member })
        })
        .await
    }
}

// Proof values. Some rights are about a group or a run named in a form, not
// in the route, so no guard can check them before the handler runs. For
// those the domain function that does the privileged write takes a proof
// value with a private field, made only here after the check: the write
// cannot be compiled without the check.

/// Proof that the user is a returning officer of `group` (or above):
/// [`crate::ballots::setup::create`] takes it.
#[derive(Debug, Clone)]
pub struct OfficerOf {
    group: i64,
}

/// Proof that the user may start a survey for `group`:
/// [`crate::surveys::store::create`] takes it.
#[derive(Debug, Clone)]
pub struct SurveyCreatorOf {
    group: i64,
}

/// Proof that the user is an admin or on the board of `group` itself:
/// [`crate::surveys::set_policy`] takes it.
#[derive(Debug, Clone)]
pub struct BoardOf {
    group: i64,
}

/// Proof that the user may run invitations (mail or letters) for a survey,
/// with the members they may reach: the invitation runs take it.
#[derive(Debug, Clone)]
pub struct SurveySender {
    account_id: i64,
    survey_id: String,
    scope: Scope,
}

impl OfficerOf {
    pub fn group(&self) -> i64 {
        self.group
    }

    /// The operator on the command line (demo data, tests) holds every
    /// right. Never called from a route (`tests/app/routes.rs` checks).
    pub fn by_operator(group: i64) -> OfficerOf {
        OfficerOf { group }
    }
}

impl SurveyCreatorOf {
    pub fn group(&self) -> i64 {
        self.group
    }

    /// The operator on the command line (demo data, tests) holds every
    /// right. Never called from a route (`tests/app/routes.rs` checks).
    pub fn by_operator(group: i64) -> SurveyCreatorOf {
        SurveyCreatorOf { group }
    }
}

impl BoardOf {
    pub fn group(&self) -> i64 {
        self.group
    }
}

impl SurveySender {
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// Whom the run may reach, if it is for `survey`; a proof for another
    /// survey reaches nobody.
    pub fn scope_for(&self, survey: &Survey) -> AppResult<&Scope> {
        if survey.id == self.survey_id {
            Ok(&self.scope)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The proof that `user` may set up a ballot for `group`, if they may.
pub fn officer_of(
    conn: &mut DbConn,
    user: &CurrentUser,
    group: i64,
) -> AppResult<Option<OfficerOf>> {
    Ok(crate::ballots::officer::is_officer_for(conn, user, group)?.then_some(OfficerOf { group }))
}

/// The proof that `user` may start a survey for `group`, if they may.
pub fn survey_creator_of(
    conn: &mut DbConn,
    user: &CurrentUser,
    group: i64,
) -> AppResult<Option<SurveyCreatorOf>> {
    Ok(crate::surveys::may_create_for(conn, user, group)?.then_some(SurveyCreatorOf { group }))
}

/// The proof that `user` is an admin or on the board of `group`; 403
/// otherwise.
pub fn board_of(user: &CurrentUser, group: i64) -> AppResult<BoardOf> {
    if user.is_admin || user.board_groups.contains(&group) {
        Ok(BoardOf { group })
    } else {
        Err(AppError::Forbidden)
    }
}

/// The proof that `user` may run invitations for `survey`, or why not
/// (see [`crate::surveys::reach::sender_scope`]).
pub fn survey_sender(
    conn: &mut DbConn,
    user: &CurrentUser,
    survey: &Survey,
) -> AppResult<Result<SurveySender, crate::surveys::reach::Refusal>> {
    Ok(
        crate::surveys::reach::sender_scope(conn, user, survey)?.map(|scope| SurveySender {
            account_id: user.account_id,
            survey_id: survey.id.clone(),
            scope,
        }),
    )
}

/// The holder of a trustee's secret link: the route's `<token>` segment
/// names a trustee of a ballot's key ceremony (the token's SHA-256 digest
/// is looked up; the token is never stored or logged). No session is
/// needed: trustees need not be members. A token that names nobody is 404
/// and counts against the client address's code limit
/// ([`crate::ratelimit::CODE_ENTRY`]), like a mistyped ballot code; once
/// the limit is reached every trustee route answers 429 to that address.
#[derive(Debug, Clone)]
pub struct Trustee {
    /// The trustee's id.
    pub id: i64,
    /// The ballot of the ceremony.
    pub ballot_id: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Trustee {
    type Error = AppError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let cached = req
            .local_cache_async(async {
                let token = req.route().and_then(|route| {
                    let position = route
                        .uri
                        .unmounted_origin
                        .path()
                        .segments()
                        .position(|segment| segment == "<token>")?;
                    req.routed_segment(position).map(str::to_owned)
                });
                let Some(token) = token else {
                    return Cached(Err(Status::NotFound));
                };
                let Some(app) = req.rocket().state::<App>() else {
                    return Cached(Err(Status::InternalServerError));
                };
                let now = app.clock.now();
                let bucket = format!(
                    "trustee-ip:{}",
                    req.client_ip().map(|ip| ip.to_string()).unwrap_or_default()
                );
                let found = app
                    .db
                    .run(move |conn| -> AppResult<Result<Trustee, Status>> {
                        if !crate::ratelimit::allows(
                            conn,
                            now,
                            &bucket,
                            crate::ratelimit::CODE_ENTRY,
                        )? {
                            return Ok(Err(Status::TooManyRequests));
                        }
                        match crate::ballots::trustees::ceremony::trustee_by_token(conn, &token)? {
                            Some((id, ballot_id)) => Ok(Ok(Trustee { id, ballot_id })),
                            None => {
                                crate::ratelimit::hit(
                                    conn,
                                    now,
                                    &bucket,
                                    crate::ratelimit::CODE_ENTRY,
                                )?;
                                Ok(Err(Status::NotFound))
                            }
                        }
                    })
                    .await;
                match found {
                    Ok(answer) => Cached(answer),
                    Err(e) => {
                        log::error!("trustee link: {e}");
                        Cached(Err(Status::InternalServerError))
                    }
                }
            })
            .await;
        match &cached.0 {
            Ok(granted) => Outcome::Success(granted.clone()),
            Err(status) if status.code == 429 => Outcome::Error((*status, AppError::RateLimited)),
            Err(status) => Outcome::Error((*status, refusal(*status))),
        }
    }
}
