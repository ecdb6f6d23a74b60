"""Token authentication for machine clients: POST username and password, receive a token.

The endpoint goes through django.contrib.auth.authenticate(), so django-axes counts failures and
locks the username+address pair exactly as on the login page, and the login signals write the
audit trail. A per-address throttle slows down guessing before the lockout applies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, user_logged_in, user_logged_out
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, permissions, serializers, status, throttling
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from edugov.accounts.actor import request_actor

from .parsers import JSONParser

LOCKED_MESSAGE = "登录失败次数过多，该账号已暂时锁定，请30分钟后再试，或联系区县管理员解锁"
FAILED_MESSAGE = "用户名或密码错误"
AXES_FLAG = "axes_locked_out"  # set on the request by django-axes when the account is locked


class TokenThrottle(throttling.AnonRateThrottle):
    scope = "auth_token"
    rate = "20/min"


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


class TokenCreateApi(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenThrottle]
    parser_classes = [JSONParser]

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(
            max_length=128, trim_whitespace=False, style={"input_type": "password"}
        )

    class Output(serializers.Serializer):
        token = serializers.CharField()
        username = serializers.CharField()
        role = serializers.CharField()

    @extend_schema(
        summary="获取访问令牌",
        tags=["认证"],
        request=Input,
        responses={
            200: Output,
            400: OpenApiResponse(ErrorOutput, description="用户名或密码错误"),
            429: OpenApiResponse(ErrorOutput, description="请求过于频繁，或失败次数过多已锁定"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        if not data.is_valid():  # the documented 400 shape (detail), field messages kept beside it
            body = {"detail": "请填写用户名和密码", **data.errors}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        http_request = request._request
        user = authenticate(http_request, **data.validated_data)
        if getattr(http_request, AXES_FLAG, False):
            # Answer in JSON here; otherwise the axes middleware would render the HTML lockout page.
            setattr(http_request, AXES_FLAG, False)
            return Response({"detail": LOCKED_MESSAGE}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None or not user.is_active:
            return Response({"detail": FAILED_MESSAGE}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        # Same signal as a page login: audit record, last_login, axes failure counter reset.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        return Response({"token": token.key, "username": user.get_username(), "role": user.role})


class TokenDeleteApi(APIView):
    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="注销访问令牌", tags=["认证"], request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        Token.objects.filter(user=request_actor(request)).delete()
        user_logged_out.send(sender=type(request.user), request=request._request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
